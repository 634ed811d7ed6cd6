using AkkaFraud.Domain;

namespace AkkaFraud.Simulator.Tests;

public sealed class Customers_behave_like_customers
{
    private static IEnumerable<Transaction> Honest => Traffic.Sample.Where(t => t.Label is null).Only();

    [Fact]
    public void Every_account_keeps_a_ledger_that_adds_up_from_each_transaction_to_the_next_with_salaries_and_now_and_then_an_honest_drain()
    {
        var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
        int deposits = 0, honestDrains = 0;
        foreach (var record in Traffic.Sample)
        {
            var t = record.Transaction;
            Assert.True(t.HasBalances, $"{t.TransactionId} has no balances");
            var expected = t.IsCredit ? t.BalanceBefore + t.Amount : t.BalanceBefore - t.Amount;
            Assert.True(expected == t.BalanceAfter, $"{t.TransactionId}: {t.BalanceBefore} and {t.Amount} ({t.Type}) do not make {t.BalanceAfter}");
            if (balances.TryGetValue(t.AccountId, out var previous))
            {
                Assert.True(previous == t.BalanceBefore, $"{t.TransactionId} starts from {t.BalanceBefore}, the account's last transaction left {previous}");
            }

            balances[t.AccountId] = t.BalanceAfter!.Value;
            deposits += t.Type == TransactionType.Deposit ? 1 : 0;
            honestDrains += record.Label is null && t.Type == TransactionType.Transfer && t.BalanceBefore > 1_000 && t.Amount >= 0.9m * t.BalanceBefore ? 1 : 0;
        }

        // Salaries come every 30 to 90 payments, and most sampled accounts make fewer: a few dozen in the sample.
        Assert.True(deposits >= 20, $"only {deposits} deposits");
        Assert.True(honestDrains >= 3, $"only {honestDrains} honest drains: precision would be given, not earned");
    }

    [Fact]
    public void Honest_payments_never_imply_travel_faster_than_a_plane_yet_people_do_travel()
    {
        var last = new Dictionary<string, Transaction>(StringComparer.Ordinal);
        var journeys = 0;
        foreach (var t in Honest.Where(t => t.HasLocation))
        {
            if (last.TryGetValue(t.AccountId, out var previous))
            {
                var km = Geo.HaversineKm(previous.Latitude!.Value, previous.Longitude!.Value, t.Latitude!.Value, t.Longitude!.Value);
                var hours = (t.EventTime - previous.EventTime).TotalHours;
                if (km >= 100)
                {
                    journeys += km > 500 ? 1 : 0;
                    Assert.True(km / hours < 900, $"{t.AccountId}: {km:0} km in {hours:0.00} h");
                }
            }

            last[t.AccountId] = t;
        }

        Assert.True(journeys >= 50, $"only {journeys} honest journeys over 500 km");
    }

    [Fact]
    public void Nights_are_quiet_and_evenings_busy_in_local_time()
    {
        // Local solar time from the payment's own longitude: no need to know the customer's time zone.
        var byHour = new int[24];
        foreach (var t in Honest.Where(t => t.HasLocation))
        {
            var hour = (int)Math.Floor(t.EventTime.UtcDateTime.TimeOfDay.TotalHours + (t.Longitude!.Value / 15) + 48) % 24;
            byHour[hour]++;
        }

        var night = byHour[2..5].Average();
        var evening = byHour[16..20].Average();
        Assert.True(evening > 8 * night, $"evening {evening:0}/h, night {night:0}/h");
    }

    [Fact]
    public void Event_time_starts_at_the_start_never_goes_back_and_averages_the_configured_rate()
    {
        var options = Traffic.Realistic(20_000);
        var times = Traffic.Sample.Select(t => t.Transaction.EventTime).ToList();

        Assert.True(times[0] >= options.Start && times[0] < options.Start.AddMinutes(1));
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.First <= pair.Second));
        var perSecond = times.Count / (times[^1] - times[0]).TotalSeconds;
        Assert.InRange(perSecond / options.EventsPerSecond, 0.9, 1.1);
    }

    [Fact]
    public void Records_reach_the_topic_shortly_after_the_event()
    {
        var records = new TrafficSimulator(Traffic.Realistic(1_000)).Records().Take(20_000).ToList();

        Assert.All(records, r => Assert.InRange(r.Timestamp - r.Transaction!.EventTime, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5)));
        Assert.InRange(records.Average(r => (r.Timestamp - r.Transaction!.EventTime).TotalMilliseconds), 120, 220);
    }

    [Fact]
    public void Fraud_is_about_the_configured_share_and_every_scenario_occurs()
    {
        var fraud = Traffic.Sample.Count(t => t.IsFraud);

        Assert.InRange(fraud / (double)Traffic.Sample.Count, 0.016, 0.024);
        Assert.Equal(FraudScenarios.All.ToHashSet(), Traffic.Sample.Labels().Select(l => l.Scenario).ToHashSet());
    }

    [Fact]
    public void Accounts_are_ibans_of_the_home_market_and_pay_in_its_currency_mostly_at_home()
    {
        var located = 0;
        var atHome = 0;
        foreach (var t in Honest)
        {
            var country = t.AccountId[..2];
            Assert.Equal(country switch { "GB" => "GBP", "CH" => "CHF", _ => "EUR" }, t.Currency);
            Assert.True(IsValidIban(t.AccountId), t.AccountId);
            if (t.Channel is Channel.Pos or Channel.Atm)
            {
                located++;
                atHome += t.Country == country ? 1 : 0;
            }
        }

        Assert.InRange(atHome / (double)located, 0.9, 0.999);
    }

    [Fact]
    public void Fraudsters_use_devices_the_account_never_used_and_takeovers_drain_from_abroad()
    {
        var ownDevices = Honest.Where(t => t.DeviceId is not null).Select(t => (t.AccountId, t.DeviceId!)).ToHashSet();
        var fraud = Traffic.Sample.Where(t => t.IsFraud).ToList();

        // A mule is the account holder: they move the money from their own phone, from home.
        var strangers = fraud.Where(t => t.Label!.Scenario != FraudScenario.MulePassThrough && t.Transaction.DeviceId is not null).ToList();
        Assert.NotEmpty(strangers);
        Assert.All(strangers, t => Assert.DoesNotContain((t.Transaction.AccountId, t.Transaction.DeviceId!), ownDevices));
        var mules = fraud.Where(t => t.Label!.Scenario == FraudScenario.MulePassThrough).Only().ToList();
        Assert.NotEmpty(mules);
        Assert.All(mules, t => Assert.Equal(t.AccountId[..2], t.Country));
        var takeovers = fraud.Where(t => t.Label!.Scenario == FraudScenario.AccountTakeover).Only().ToList();
        Assert.NotEmpty(takeovers);
        Assert.All(takeovers, t =>
        {
            Assert.Equal(TransactionType.Transfer, t.Type);
            Assert.NotEqual(t.AccountId[..2], t.Country);
            Assert.NotNull(t.CounterpartyId);
        });
    }

    [Fact]
    public void Some_merchant_names_carry_markup_that_is_still_valid_data()
    {
        var names = new TrafficSimulator(Traffic.Realistic(2_000) with { Merchants = 5_000 }).Records().Take(100_000)
            .Select(r => r.Transaction?.MerchantName).OfType<string>().Distinct().ToList();

        Assert.Contains(names, n => n.Contains('<', StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains('&', StringComparison.Ordinal));
        Assert.Contains(names, n => n.Any(c => c > 127));
    }

    /// <summary>ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1.</summary>
    private static bool IsValidIban(string iban)
    {
        var remainder = 0;
        foreach (var c in iban[4..] + iban[..4])
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = ((remainder * (value >= 10 ? 100 : 10)) + value) % 97;
        }

        return remainder == 1;
    }
}
