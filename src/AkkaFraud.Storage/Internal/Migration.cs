namespace AkkaFraud.Storage.Internal;

/// <summary>
/// One schema step. Versions are applied in order, each once, recorded in <c>schema_migrations</c>; a released
/// migration is never edited, only followed by a new one.
/// </summary>
internal sealed record Migration(int Version, string Name, string Sql);

internal static class Migrations
{
    /// <summary>Checks the list is 1..n in order and returns the versions a database at <paramref name="applied"/> still needs.</summary>
    public static IReadOnlyList<Migration> Pending(IReadOnlyList<Migration> all, IReadOnlyCollection<int> applied)
    {
        for (var i = 0; i < all.Count; i++)
        {
            if (all[i].Version != i + 1)
            {
                throw new InvalidOperationException($"migration {all[i].Name} has version {all[i].Version}, expected {i + 1}");
            }
        }

        if (applied.Count > 0 && applied.Max() > all.Count)
        {
            throw new InvalidOperationException(
                $"the database's schema is at version {applied.Max()}, newer than this build knows ({all.Count}); " +
                "run a build at least as new as the one that migrated it");
        }

        return all.Where(m => !applied.Contains(m.Version)).ToList();
    }
}
