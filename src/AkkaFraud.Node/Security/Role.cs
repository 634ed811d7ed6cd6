namespace AkkaFraud.Node.Security;

/// <summary>
/// What an identity may do, each role everything the one before it may and more. Every endpoint and the live hub
/// declare the least role they need (<see cref="AccessEndpoints.RequireRole{TBuilder}"/>); the README's table is
/// tested against these declarations.
/// </summary>
internal enum Role
{
    /// <summary>The dashboard, alerts, transactions, accounts, dead letters and the cluster's state: reads only.</summary>
    Viewer = 1,

    /// <summary>A viewer who also runs backtests (and, later, works cases).</summary>
    Analyst = 2,

    /// <summary>An analyst who also runs the system: the simulator, a member's leave or down, dead-letter replay.</summary>
    Operator = 3,

    /// <summary>Everything: also the rules and the API keys.</summary>
    Admin = 4,
}

/// <summary>The roles' names as they are written in keys, tokens, settings and the API.</summary>
internal static class Roles
{
    public static IReadOnlyList<Role> All { get; } = [Role.Viewer, Role.Analyst, Role.Operator, Role.Admin];

    public static string Name(Role role) => role switch
    {
        Role.Viewer => "viewer",
        Role.Analyst => "analyst",
        Role.Operator => "operator",
        Role.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    public static bool TryParse(string? name, out Role role)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Name(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>The names, for messages: "viewer, analyst, operator or admin".</summary>
    public static string Choices => string.Join(", ", All.Take(All.Count - 1).Select(Name)) + " or " + Name(All[^1]);
}
