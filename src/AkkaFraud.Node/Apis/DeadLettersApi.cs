using System.Text;
using System.Text.Json;
using AkkaFraud.Domain;
using AkkaFraud.Node.Contracts;
using AkkaFraud.Node.Security;
using AkkaFraud.Storage;
using AkkaFraud.Streams.Kafka;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AkkaFraud.Node.Apis;

/// <summary>
/// The records the parser rejected: listed, shown one by one with their payload made safe to display, and produced
/// to the transactions topic again once whatever made them invalid was fixed. Reads need the viewer role, a
/// replay the operator role.
/// </summary>
internal static class DeadLettersApi
{
    public const int MaxReplay = 1000;
    private const int PreviewChars = 120;
    private const string ReplayExample = """{"letters": [{"partition": 3, "offset": 1042}]}""";

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var letters = app.MapGroup("/api/dead-letters").WithTags("Dead letters");
        letters.MapGet("/", GetDeadLettersAsync)
            .WithName("GetDeadLetters")
            .WithSummary("Dead letters, newest first, filtered by reason code, partition and receive time; pass 'next' as 'after' for the next page.")
            .RequireRole(Role.Viewer);
        letters.MapGet("/{partition:int}/{offset:long}", GetDeadLetterAsync)
            .WithName("GetDeadLetter")
            .WithSummary("One dead letter of the transactions topic with its whole payload (text when UTF-8, else hex) and whether today's parser accepts it.")
            .RequireRole(Role.Viewer);
        letters.MapPost("/replay", ReplayAsync)
            .WithName("ReplayDeadLetters")
            .WithSummary("Produces the chosen dead letters' payloads to the transactions topic again, keyed by their account; letters today's parser still rejects are skipped. Needs the operator role.")
            .Accepts<ReplayRequest>("application/json")
            .RequireRole(Role.Operator);
        return app;
    }

    internal static async Task<Results<Ok<DeadLetterPageDto>, BadRequest<ErrorResponse>>> GetDeadLettersAsync(
        string? reason, string? partition, string? from, string? to, string? limit, string? after, IWarehouseQueries store, CancellationToken cancellationToken)
    {
        if (!Query.TryTime(from, nameof(from), out var fromTime, out var error)
            || !Query.TryTime(to, nameof(to), out var toTime, out error)
            || !Query.TryInt(limit, nameof(limit), 50, 1, DeadLetterQuery.MaxLimit, out var pageSize, out error)
            || !Query.TryInt(partition, nameof(partition), -1, 0, int.MaxValue, out var wantedPartition, out error))
        {
            return TypedResults.BadRequest(new ErrorResponse(error!));
        }

        if (fromTime >= toTime)
        {
            return TypedResults.BadRequest(new ErrorResponse("'from' must be before 'to' (from is inclusive, to exclusive)."));
        }

        if (!string.IsNullOrEmpty(reason) && !Query.IsId(reason))
        {
            return TypedResults.BadRequest(new ErrorResponse(Query.IdRule(nameof(reason)) + " Reason codes look like 'malformed_json'."));
        }

        if (!Query.TryDecodeCursor(after, out DeadLetterCursor? cursor))
        {
            return TypedResults.BadRequest(new ErrorResponse("'after' is not a cursor: pass the 'next' value of the previous page unchanged, or omit it to start at the newest dead letter."));
        }

        var page = await store.GetDeadLettersAsync(new DeadLetterQuery
        {
            ReasonCode = string.IsNullOrEmpty(reason) ? null : reason,
            Partition = wantedPartition < 0 ? null : wantedPartition,
            From = fromTime,
            To = toTime,
            Limit = pageSize,
            After = cursor,
        }, cancellationToken);
        return TypedResults.Ok(new DeadLetterPageDto([.. page.Items.Select(Summary)], page.Next is { } next ? Query.EncodeCursor(next) : null));
    }

    internal static async Task<Results<Ok<DeadLetterDto>, NotFound<ErrorResponse>>> GetDeadLetterAsync(
        int partition, long offset, IWarehouseQueries store, KafkaSettings kafka, KafkaClusterIdentity cluster, TimeProvider clock, CancellationToken cancellationToken)
    {
        var key = new DeadLetterKey(await cluster.GetAsync(cancellationToken), kafka.TransactionsTopic, partition, offset);
        if (await store.GetDeadLetterAsync(key, cancellationToken) is not { } stored)
        {
            return TypedResults.NotFound(new ErrorResponse(
                $"No dead letter is stored for {kafka.TransactionsTopic}[{partition}] at offset {offset}: list them with GET /api/dead-letters."));
        }

        var payload = stored.Letter.Payload.Span;
        var (encoding, text) = Utf8OrHex(payload);
        var now = TransactionParser.Parse(payload, clock.GetUtcNow());
        return TypedResults.Ok(new DeadLetterDto(Summary(stored), encoding, text, now.IsValid, now.Rejection is { } r ? $"{r.ReasonCode}: {r.Detail}" : null));
    }

    internal static async Task<Results<Ok<ReplayResponse>, BadRequest<ErrorResponse>>> ReplayAsync(
        HttpRequest request, IWarehouseQueries store, KafkaSettings kafka, KafkaClusterIdentity cluster, TimeProvider clock,
        IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ReplayRequest>(request, json.Value.SerializerOptions, ReplayExample, cancellationToken);
        if (error is not null || body?.Letters is not { Count: > 0 and <= MaxReplay } chosen)
        {
            return TypedResults.BadRequest(new ErrorResponse(error ?? $"'letters' must name 1 to {MaxReplay} dead letters by partition and offset, e.g. {ReplayExample}."));
        }

        var kafkaCluster = await cluster.GetAsync(cancellationToken);
        var replayed = new List<ReplayedLetterDto>();
        var skipped = new List<SkippedLetterDto>();
        using var producer = KafkaProducer.Create(kafka);
        foreach (var letter in chosen.Distinct())
        {
            var stored = await store.GetDeadLetterAsync(new DeadLetterKey(kafkaCluster, kafka.TransactionsTopic, letter.Partition, letter.Offset), cancellationToken);
            if (stored is null)
            {
                skipped.Add(new SkippedLetterDto(letter.Partition, letter.Offset, "no such dead letter"));
                continue;
            }

            // Only what today's parser accepts goes back: anything else would only become a dead letter again. The key
            // is the account, so the record lands on the partition (and the shard) of the account's other records.
            var parsed = TransactionParser.Parse(stored.Letter.Payload.Span, clock.GetUtcNow());
            if (parsed.Transaction is not { } transaction)
            {
                skipped.Add(new SkippedLetterDto(letter.Partition, letter.Offset, $"still rejected: {parsed.Rejection!.ReasonCode}: {parsed.Rejection.Detail}"));
                continue;
            }

            var delivery = await producer.ProduceAsync(kafka.TransactionsTopic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(transaction.AccountId),
                Value = stored.Letter.Payload.ToArray(),
            }, cancellationToken);
            replayed.Add(new ReplayedLetterDto(letter.Partition, letter.Offset, transaction.TransactionId, delivery.Partition.Value, delivery.Offset.Value));
        }

        return TypedResults.Ok(new ReplayResponse(replayed, skipped));
    }

    private static DeadLetterSummaryDto Summary(StoredDeadLetter stored)
    {
        var letter = stored.Letter;
        return new DeadLetterSummaryDto(stored.KafkaCluster, letter.Topic, letter.KafkaPartition, letter.KafkaOffset, letter.ReasonCode, letter.Detail,
            letter.ReceivedAt, letter.Payload.Length, Preview(letter.Payload.Span));
    }

    /// <summary>
    /// The start of a payload: its first characters when it is UTF-8, else its first hex digits. Only the bytes that
    /// can make those characters are decoded, cut back to a character boundary so that a long text is not taken for
    /// bytes.
    /// </summary>
    internal static string Preview(ReadOnlySpan<byte> payload)
    {
        var cut = Math.Min(payload.Length, PreviewChars * 4);
        while (cut < payload.Length && cut > 0 && (payload[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        var (encoding, text) = Utf8OrHex(payload[..cut]);
        return encoding == "hex" ? text[..Math.Min(text.Length, PreviewChars)] : new string([.. text.Take(PreviewChars)]);
    }

    private static (string Encoding, string Text) Utf8OrHex(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return ("utf-8", Strict.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            return ("hex", Convert.ToHexStringLower(bytes));
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
