using System.ComponentModel;
using System.Globalization;
using AkkaFraud.Node.Contracts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli.Commands;

internal sealed class KeyCreateSettings : NodeSettings
{
    [CommandOption("--name <NAME>")]
    [Description("Who or what holds the key, e.g. alice or ingest-bot (unique among keys not revoked).")]
    public string? Name { get; init; }

    [CommandOption("--role <ROLE>")]
    [Description("viewer, analyst, operator or admin.")]
    public string? Role { get; init; }

    [CommandOption("--expires <WHEN>")]
    [Description("When it stops working: a duration such as 30d or 12h, or an ISO-8601 time. Default: never.")]
    public string? Expires { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Name) || string.IsNullOrWhiteSpace(Role)
            ? ValidationResult.Error("name the key and its role, e.g. akkafraud keys create --name alice --role analyst")
            : Expires is not null && !TryExpiry(Expires, DateTimeOffset.UtcNow, out _)
                ? ValidationResult.Error($"--expires '{Expires}' is neither a duration (30d, 12h, 90m) nor an ISO-8601 time (2027-06-30T00:00:00Z)")
                : ValidationResult.Success();

    public static bool TryExpiry(string text, DateTimeOffset now, out DateTimeOffset expiry)
    {
        expiry = default;
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? span = text[^1] switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                _ => null,
            };
            if (span is { } s)
            {
                expiry = now + s;
                return true;
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out expiry);
    }
}

/// <summary>Creates a key and prints its secret, the only time anyone sees it.</summary>
internal sealed class KeyCreateCommand(CliEnvironment environment) : NodeCommand<KeyCreateSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, KeyCreateSettings settings, CancellationToken cancellationToken)
    {
        DateTimeOffset? expires = settings.Expires is { } text && KeyCreateSettings.TryExpiry(text, DateTimeOffset.UtcNow, out var at) ? at : null;
        var body = await node.SendJsonAsync(HttpMethod.Post, "api/keys", new CreateKeyRequest(settings.Name, settings.Role, expires), cancellationToken);
        if (settings.Json)
        {
            return await PrintJsonAsync(body);
        }

        var created = node.Parse<CreatedKeyDto>(body, "api/keys");
        Console.Write(new Text($"created key {created.Key.KeyId} '{created.Key.Name}', role {created.Key.Role}, expires {(created.Key.ExpiresAt is { } e ? Tables.Time(e) : "never")}\n"));
        Console.Write(new Text("its secret (shown once; give it to its holder, who sends it as 'Authorization: Bearer <secret>' or --token):\n"));
        Console.Write(new Text(created.Secret + "\n"));
        return ExitCodes.Ok;
    }
}

internal sealed class KeyListCommand(CliEnvironment environment) : NodeCommand<NodeSettings>(environment)
{
    protected override Task<int> RunAsync(NodeClient node, NodeSettings settings, CancellationToken cancellationToken) =>
        ShowAsync<ApiKeyListDto>(node, "api/keys", settings, list =>
        {
            var table = Tables.New("Id", "Name", "Role", "State", "Created", "By", "Expires", "Revoked");
            foreach (var k in list.Keys)
            {
                table.Row(k.KeyId, k.Name, k.Role, k.State, Tables.Time(k.CreatedAt), k.CreatedBy, Tables.Time(k.ExpiresAt), Tables.Time(k.RevokedAt));
            }

            Console.Write(table);
        }, cancellationToken);
}

internal sealed class KeyRevokeSettings : NodeSettings
{
    [CommandArgument(0, "<KEY>")]
    [Description("The key's id, or the name of a key not revoked yet (see akkafraud keys list).")]
    public string Key { get; init; } = string.Empty;
}

/// <summary>Revokes a key by id or by name; from the next request on it grants nothing, on every web node.</summary>
internal sealed class KeyRevokeCommand(CliEnvironment environment) : NodeCommand<KeyRevokeSettings>(environment)
{
    protected override async Task<int> RunAsync(NodeClient node, KeyRevokeSettings settings, CancellationToken cancellationToken)
    {
        var keys = (await node.GetAsync<ApiKeyListDto>("api/keys", cancellationToken)).Keys;
        var key = keys.FirstOrDefault(k => k.KeyId == settings.Key)
            ?? keys.FirstOrDefault(k => k.Name == settings.Key && k.RevokedAt is null)
            ?? throw new CliException(ExitCodes.NotFound, $"no key has the id '{settings.Key}', and none that is not revoked has that name: see akkafraud keys list.");
        var body = await node.SendJsonAsync(HttpMethod.Delete, $"api/keys/{Uri.EscapeDataString(key.KeyId)}", null, cancellationToken);
        if (settings.Json)
        {
            return await PrintJsonAsync(body);
        }

        var revoked = node.Parse<ApiKeyDto>(body, "api/keys");
        Console.Write(new Text($"revoked key {revoked.KeyId} '{revoked.Name}' at {Tables.Time(revoked.RevokedAt)}\n"));
        return ExitCodes.Ok;
    }
}
