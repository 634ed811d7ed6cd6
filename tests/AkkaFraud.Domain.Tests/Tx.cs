using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

/// <summary>Builds valid transactions for tests with little noise: only what a test cares about is named.</summary>
internal static class Tx
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public static Transaction Make(
        string id = "t-1",
        string account = "a-1",
        double secondsAfterT0 = 0,
        decimal amount = 10m,
        string currency = "EUR",
        Channel channel = Channel.Pos,
        string? mcc = "5411",
        (double Lat, double Lon)? at = null,
        TransactionType type = TransactionType.Purchase,
        string? merchant = "m-1",
        string? counterparty = null,
        string? device = null,
        string country = "DE") => new()
        {
            TransactionId = id,
            AccountId = account,
            EventTime = T0.AddSeconds(secondsAfterT0),
            Amount = amount,
            Currency = currency,
            Type = type,
            Channel = channel,
            MerchantId = merchant,
            CounterpartyId = counterparty,
            DeviceId = device,
            MerchantName = "Corner Shop",
            MerchantCategory = mcc,
            Country = country,
            Latitude = at?.Lat,
            Longitude = at?.Lon,
        };

    public static readonly (double, double) Berlin = (52.5200, 13.4050);
    public static readonly (double, double) Potsdam = (52.3906, 13.0645);
    public static readonly (double, double) NewYork = (40.7128, -74.0060);
    public static readonly (double, double) Paris = (48.8566, 2.3522);
}
