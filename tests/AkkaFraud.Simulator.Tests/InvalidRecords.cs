using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Tests;

public sealed class Invalid_records_get_the_rejection_they_are_made_for
{
    private static readonly List<SimulatedRecord> Records =
        [.. new TrafficSimulator(Traffic.Realistic(1_000, invalidShare: 0.25)).Records().Take(20_000)];

    [Fact]
    public void The_parser_rejects_every_invalid_record_with_exactly_its_expected_code()
    {
        var invalid = Records.Where(r => !r.IsValid).ToList();

        Assert.NotEmpty(invalid);
        Assert.All(invalid, record =>
        {
            var parsed = TransactionParser.Parse(record.Value, record.Timestamp);
            Assert.False(parsed.IsValid, record.Defect!.Description);
            Assert.True(record.Defect.ExpectedCode == parsed.Rejection!.Code,
                $"'{record.Defect.Description}' should be {record.Defect.ExpectedCode}, parser says {parsed.Rejection.Code} ({parsed.Rejection.Detail})");
        });
    }

    [Fact]
    public void Every_rejection_code_the_parser_knows_occurs()
    {
        var codes = Records.Where(r => !r.IsValid).Select(r => r.Defect!.ExpectedCode).ToHashSet();

        Assert.Equal(Enum.GetValues<RejectionCode>().ToHashSet(), codes);
    }

    [Fact]
    public void Invalid_records_make_up_the_configured_share_and_carry_no_transaction_or_label()
    {
        var invalid = Records.Where(r => !r.IsValid).ToList();

        Assert.InRange(invalid.Count / (double)Records.Count, 0.23, 0.27);
        Assert.All(invalid, r => Assert.Null(r.Transaction));
        Assert.All(invalid, r => Assert.Null(r.Label));
    }

    [Fact]
    public void Invalid_records_come_from_real_accounts_at_the_current_event_time()
    {
        var simulator = new TrafficSimulator(Traffic.Realistic(500, invalidShare: 0.2));
        var accounts = simulator.AccountIds.ToHashSet();
        foreach (var record in simulator.Records().Take(5_000).Where(r => !r.IsValid))
        {
            Assert.Contains(record.Key, accounts);
            Assert.InRange(record.Timestamp - simulator.Clock, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        }
    }
}
