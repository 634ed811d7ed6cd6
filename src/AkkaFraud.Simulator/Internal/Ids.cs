using System.Globalization;

namespace AkkaFraud.Simulator.Internal;

/// <summary>Identifiers that look like the real thing: IBANs for accounts, 12-digit merchant ids, opaque device ids.</summary>
internal static class Ids
{
    /// <summary>The simulated bank's code inside its IBANs.</summary>
    public const string OurBank = "AKFR";

    /// <summary>Other banks' codes, for counterparties of transfers.</summary>
    private static readonly string[] OtherBanks = ["BNPA", "DEUT", "INGB", "BARC", "BSCH", "UNCR", "RABO", "COBA", "SOGE", "ABNA", "KBCB", "ERST"];

    private const long AccountNumbers = 100_000_000_000_000; // 14 digits

    /// <summary>
    /// The IBAN of account <paramref name="index"/> of a seed: index ↦ number is a bijection modulo 10^14 (the multiplier
    /// is prime to 10), so accounts of one seed never collide, and another seed shifts the whole set.
    /// </summary>
    public static string Account(int seed, int index, string country)
    {
        var offset = (long)(Mix((ulong)(uint)seed) % AccountNumbers);
        var number = (((long)index * 2_654_435_761L) + offset) % AccountNumbers;
        return Iban(country, OurBank, number);
    }

    /// <summary>An account at another bank (a friend, a landlord, a money mule).</summary>
    public static string Counterparty(Rng rng, string country) =>
        Iban(country, rng.Pick(OtherBanks), (long)(rng.NextUInt64() % AccountNumbers));

    public static string Merchant(int seed, int index)
    {
        const long numbers = 1_000_000_000_000; // 12 digits
        var number = (((long)index * 2_654_435_761L) + (long)(Mix((ulong)(uint)seed ^ 0xA5A5) % numbers)) % numbers;
        return "mid-" + number.ToString("D12", CultureInfo.InvariantCulture);
    }

    /// <summary>A device fingerprint as a bank's online channel would record it.</summary>
    public static string Device(Rng rng) => "dv-" + rng.NextUInt64().ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>An ISO 13616 IBAN: country, two check digits (mod 97), bank code, 14-digit account number.</summary>
    internal static string Iban(string country, string bank, long number)
    {
        var bban = bank + number.ToString("D14", CultureInfo.InvariantCulture);
        var remainder = 0;
        foreach (var c in bban + country + "00")
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = ((remainder * (value >= 10 ? 100 : 10)) + value) % 97;
        }

        return string.Concat(country, (98 - remainder).ToString("D2", CultureInfo.InvariantCulture), bban);
    }

    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
