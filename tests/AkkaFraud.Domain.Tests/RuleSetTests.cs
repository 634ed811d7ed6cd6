using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

public sealed class Rule_set
{
    [Fact]
    public void The_default_rule_set_contains_the_seed_rule_and_one_of_each_other_kind()
    {
        var seed = Assert.Single(RuleSet.Seed.Rules);

        Assert.Contains(seed, RuleSet.Default.Rules);
        Assert.Equal(Enum.GetValues<RuleKind>().Order(), RuleSet.Default.Rules.Select(r => r.Kind).Distinct().Order());
        Assert.Empty(RuleSet.Default.Problems());
    }

    [Fact]
    public void Json_round_trips_every_rule_kind_and_parameter()
    {
        var ruleSet = RuleSet.Default with
        {
            Version = 12,
            Rules = [.. RuleSet.Default.Rules, new ThresholdRule { Id = "atm", Weight = 30, Limit = 500, Currency = "USD", Channel = "atm", MerchantCategories = ["6011"], Enabled = false }],
        };

        var json = ruleSet.ToJson();
        var parsed = RuleSet.FromJson(json);

        Assert.Equal(ruleSet, parsed);
        Assert.Contains("\"type\":\"impossible-travel\"", json, StringComparison.Ordinal);
        Assert.Contains("\"windowSeconds\":600", json, StringComparison.Ordinal);
        Assert.Contains("\"JPY\":0.0057", json, StringComparison.Ordinal);
        Assert.Equal(0.0057m, parsed.Rates!["JPY"]);
    }

    [Fact]
    public void Hand_written_json_is_read_with_defaults_for_what_it_leaves_out()
    {
        var parsed = RuleSet.FromJson("""{"version":2,"rules":[{"type":"threshold","id":"big","weight":60,"limit":9000}]}""");

        Assert.Equal(50, parsed.ReviewThreshold);
        Assert.Equal(80, parsed.BlockThreshold);
        var rule = Assert.IsType<ThresholdRule>(Assert.Single(parsed.Rules));
        Assert.True(rule.Enabled);
        Assert.Equal(9000, rule.Limit);
    }

    [Theory]
    [InlineData("not json", "invalid")]
    [InlineData("""{"version":2,"rules":[{"type":"teleport","id":"x","weight":1}]}""", "invalid")]
    [InlineData("""{"version":2,"rules":[{"type":"threshold","id":"x"}]}""", "invalid")]
    [InlineData("""{"version":2,"rules":[{"type":"threshold","id":"x","weight":1,"limit":1},{"type":"threshold","id":"x","weight":1,"limit":2}]}""", "rule id 'x' is used 2 times")]
    [InlineData("""{"version":2,"reviewThreshold":90,"blockThreshold":80,"rules":[]}""", "thresholds")]
    [InlineData("""{"version":2,"rules":[{"type":"velocity","id":"v","weight":1,"windowSeconds":60}]}""", "needs maxCount or maxSum")]
    [InlineData("""{"version":2,"rules":[{"type":"threshold","id":"t","weight":1,"limit":1,"channel":"fax"}]}""", "channel 'fax'")]
    [InlineData("""{"version":2,"rates":{"USD":-1},"rules":[]}""", "'USD' must be an ISO 4217 code worth more than 0 EUR")]
    [InlineData("""{"version":2,"rates":{"EUR":2},"rules":[]}""", "'EUR' must be")]
    [InlineData("""{"version":2,"currency":"EURO","rules":[]}""", "currency 'EURO'")]
    [InlineData("""{"version":2,"rules":[{"type":"card-testing","id":"c","weight":1,"windowSeconds":60,"minSmallCount":2,"smallAmount":50,"largeAmount":10}]}""", "smallAmount < largeAmount")]
    public void Invalid_rule_sets_are_refused_with_a_message_that_says_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => RuleSet.FromJson(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Horizon_is_the_longest_enabled_window_plus_the_allowed_lateness()
    {
        // The longest windows of the default set are an hour (pass-through, many-countries).
        Assert.Equal((900 + 3600) * 1000L, RuleSet.Default.HorizonMs);
        var shorter = RuleSet.Default with { AllowedLatenessSeconds = 0 };
        Assert.Equal(3600 * 1000L, shorter.HorizonMs);
        var withoutHourWindows = RuleSet.Default with { Rules = [.. RuleSet.Default.Rules.Where(r => r.Lookback < TimeSpan.FromHours(1))] };
        Assert.Equal((900 + 600) * 1000L, withoutHourWindows.HorizonMs);
    }

    [Fact]
    public void Its_json_holds_what_an_operator_writes_and_no_derived_kind_or_lookback_which_older_journals_may_still_carry()
    {
        var json = RuleSet.Default.ToJson();

        Assert.DoesNotContain("\"kind\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"lookback\"", json, StringComparison.Ordinal);
        var older = json.Replace("\"id\":\"large-amount\"", "\"id\":\"large-amount\",\"kind\":0,\"lookback\":\"00:00:00\"", StringComparison.Ordinal);
        Assert.NotEqual(json, older);
        Assert.Equal(json, RuleSet.FromJson(older).ToJson());
    }
}
