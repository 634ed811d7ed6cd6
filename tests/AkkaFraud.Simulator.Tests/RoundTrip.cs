using AkkaFraud.Domain;
using CsCheck;

namespace AkkaFraud.Simulator.Tests;

public sealed class Valid_records_parse_back_to_their_transactions
{
    [Fact]
    public void Every_valid_record_parses_back_with_its_timestamp_to_an_equal_transaction()
    {
        var records = new TrafficSimulator(Traffic.Realistic(5_000, fraudShare: 0.05, invalidShare: 0.01)).Records().Take(100_000).Where(r => r.IsValid).ToList();

        Assert.True(records.Count > 95_000);
        foreach (var record in records)
        {
            var parsed = TransactionParser.Parse(record.Value, record.Timestamp);

            Assert.True(parsed.IsValid, $"{parsed.Rejection}: {System.Text.Encoding.UTF8.GetString(record.Value)}");
            Assert.Equal(record.Transaction, parsed.Transaction);
            Assert.Equal(record.Transaction!.AccountId, record.Key);
        }
    }

    [Fact]
    public void Any_options_give_records_that_round_trip()
    {
        var options =
            from seed in Gen.Int
            from accounts in Gen.Int[1, 400]
            from merchants in Gen.Int[200, 1_000]
            from perDay in Gen.Double[0.5, 50]
            from fraud in Gen.Double[0, 0.5]
            from minutes in Gen.Long[0, 20_000_000]
            select new SimulatorOptions
            {
                Seed = seed,
                Accounts = accounts,
                Merchants = merchants,
                EventsPerSecond = accounts * perDay / 86_400,
                FraudShare = fraud,
                InvalidShare = 0.1,
                Start = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes),
            };

        options.Sample(o =>
        {
            foreach (var record in new TrafficSimulator(o).Records().Take(300))
            {
                var parsed = TransactionParser.Parse(record.Value, record.Timestamp);
                if (record.IsValid)
                {
                    Assert.Equal(record.Transaction, parsed.Transaction);
                }
                else
                {
                    Assert.Equal(record.Defect!.ExpectedCode, parsed.Rejection?.Code);
                }
            }
        }, iter: 60);
    }
}
