using AkkaFraud.Storage;

namespace AkkaFraud.TestSupport;

/// <summary>Reads the tests make of a whole warehouse, through the same paged queries the API uses.</summary>
public static class WarehouseReads
{
    /// <summary>Every stored dead letter, newest first, read page by page.</summary>
    public static async Task<IReadOnlyList<DeadLetterRecord>> AllDeadLettersAsync(this IWarehouseQueries store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var all = new List<DeadLetterRecord>();
        DeadLetterCursor? after = null;
        do
        {
            var page = await store.GetDeadLettersAsync(new DeadLetterQuery { Limit = DeadLetterQuery.MaxLimit, After = after }, cancellationToken);
            all.AddRange(page.Items.Select(i => i.Letter));
            after = page.Next;
        }
        while (after is not null);

        return all;
    }
}
