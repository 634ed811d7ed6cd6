using AkkaFraud.Domain;

namespace AkkaFraud.Domain.Tests;

public sealed class Rule_book
{
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 10, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Tuesday = new(2026, 3, 3, 11, 30, 0, TimeSpan.Zero);

    private static RuleBook NewBook()
    {
        var book = new RuleBook();
        book.Apply(RuleBook.First(RuleSet.Default, "installer", Created, "the shipped rules"));
        return book;
    }

    private static RuleBookEntry Accepted(RuleBookDecision decision)
    {
        // The message is in the assertion so that an unexpected refusal says why.
        Assert.True(decision.Refusal is null, $"refused ({decision.Refusal}): {decision.Message}");
        return Assert.IsType<RuleBookEntry>(decision.Entry);
    }

    private static RuleBookEntry Applied(RuleBook book, RuleBookDecision decision)
    {
        var entry = Accepted(decision);
        book.Apply(entry);
        return entry;
    }

    private static string Refused(RuleBookDecision decision, RuleBookRefusal refusal)
    {
        Assert.Null(decision.Entry);
        Assert.Equal(refusal, decision.Refusal);
        return Assert.IsType<string>(decision.Message);
    }

    /// <summary>What a client does: GET the rules in force, edit them, and send the whole set back with the version it got.</summary>
    private static string Edited(RuleBook book, Func<RuleSet, RuleSet> edit) => edit(RuleSet.FromJson(book.Active!.ToJson())).ToJson();

    private static RuleSet WithRule(RuleSet ruleSet, string id, Func<Rule, Rule> edit) =>
        ruleSet with { Rules = [.. ruleSet.Rules.Select(r => r.Id == id ? edit(r) : r)] };

    private static RuleSet WithLimit(RuleSet ruleSet, decimal limit) =>
        WithRule(ruleSet, "large-amount", r => ((ThresholdRule)r) with { Limit = limit });

    private static T RuleOf<T>(RuleBook book, string id) where T : Rule => Assert.IsType<T>(Assert.Single(book.Active!.Rules, r => r.Id == id));

    private static readonly string NewDeviceRule = RuleSet.RuleToJson(new FirstSeenRule { Id = "new-device-alone", Weight = 10, Dimension = "device", MinAmount = 50 });

    [Fact]
    public void A_new_book_puts_its_first_rule_set_in_force_as_version_1()
    {
        var book = new RuleBook();
        Assert.Null(book.Active);
        Assert.Equal(0, book.Version);

        book.Apply(RuleBook.First(RuleSet.Default with { Version = 7 }, "installer", Created, "the shipped rules"));

        Assert.Equal(1, book.Version);
        Assert.Equal(RuleSet.Default with { Version = 1 }, book.Active);
        var entry = Assert.Single(book.History);
        Assert.Equal((1, RuleBookChange.Activated, (string?)null, (int?)null), (entry.Version, entry.Change, entry.RuleId, entry.RolledBackTo));
        Assert.Equal(("installer", Created, "the shipped rules"), (entry.Who, entry.At, entry.Comment));
        Assert.Same(entry, book.At(1));
    }

    [Fact]
    public void A_book_without_a_version_refuses_changes_until_its_first_entry()
    {
        var book = new RuleBook();

        Refused(book.Replace(RuleSet.Default.ToJson(), "alice", Monday, null), RuleBookRefusal.StaleVersion);
        Refused(book.PutRule(NewDeviceRule, 0, "alice", Monday, null), RuleBookRefusal.StaleVersion);
        Assert.Empty(book.History);
    }

    [Fact]
    public void A_rule_set_edited_from_the_version_in_force_becomes_the_next_version()
    {
        var book = NewBook();

        var entry = Applied(book, book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, "fewer false alarms on salaries"));

        Assert.Equal((2, RuleBookChange.RuleChanged, "large-amount"), (entry.Version, entry.Change, entry.RuleId));
        Assert.Equal(2, book.Version);
        Assert.Equal(2, book.Active!.Version);
        Assert.Equal(12_000, RuleOf<ThresholdRule>(book, "large-amount").Limit);
        Assert.Equal(RuleSet.Default.Rules.Length, book.Active.Rules.Length);
        Assert.Equal(2, book.History.Count);
        Assert.Equal(("alice", Monday, "fewer false alarms on salaries"), (book.History[1].Who, book.History[1].At, book.History[1].Comment));
        // The first version is history now, not overwritten.
        Assert.Equal(9000, Assert.IsType<ThresholdRule>(book.At(1)!.ToRuleSet().Rules[0]).Limit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \t ")]
    public void A_blank_comment_is_recorded_as_none(string? comment)
    {
        var book = NewBook();

        var entry = Accepted(book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, comment));

        Assert.Null(entry.Comment);
    }

    [Fact]
    public void A_rule_set_whose_only_change_is_its_thresholds_is_recorded_as_thresholds_changed()
    {
        var book = NewBook();

        var entry = Accepted(book.Replace(Edited(book, s => s with { ReviewThreshold = 40, BlockThreshold = 75 }), "alice", Monday, null));

        Assert.Equal((RuleBookChange.ThresholdsChanged, (string?)null), (entry.Change, entry.RuleId));
    }

    [Fact]
    public void A_rule_set_with_one_rule_more_is_recorded_as_that_rule_added()
    {
        var book = NewBook();

        var entry = Accepted(book.Replace(Edited(book, s => s with { Rules = s.Rules.Add(RuleSet.RuleFromJson(NewDeviceRule)) }), "alice", Monday, null));

        Assert.Equal((RuleBookChange.RuleAdded, "new-device-alone"), (entry.Change, entry.RuleId));
    }

    [Fact]
    public void A_rule_set_with_one_rule_fewer_is_recorded_as_that_rule_removed()
    {
        var book = NewBook();

        var entry = Accepted(book.Replace(Edited(book, s => s with { Rules = [.. s.Rules.Where(r => r.Id != "card-testing")] }), "alice", Monday, null));

        Assert.Equal((RuleBookChange.RuleRemoved, "card-testing"), (entry.Change, entry.RuleId));
    }

    [Fact]
    public void A_rule_set_whose_only_change_is_one_rule_switched_off_or_on_is_recorded_as_that()
    {
        var book = NewBook();

        var off = Applied(book, book.Replace(Edited(book, s => WithRule(s, "velocity-burst", r => r with { Enabled = false })), "alice", Monday, null));
        var on = Applied(book, book.Replace(Edited(book, s => WithRule(s, "velocity-burst", r => r with { Enabled = true })), "alice", Tuesday, null));

        Assert.Equal((RuleBookChange.RuleDisabled, "velocity-burst"), (off.Change, off.RuleId));
        Assert.Equal((RuleBookChange.RuleEnabled, "velocity-burst"), (on.Change, on.RuleId));
    }

    [Fact]
    public void A_rule_switched_off_and_changed_at_once_is_recorded_as_changed_not_as_disabled()
    {
        var book = NewBook();

        var entry = Accepted(book.Replace(Edited(book, s => WithRule(s, "large-amount", r => ((ThresholdRule)r) with { Enabled = false, Limit = 12_000 })), "alice", Monday, null));

        Assert.Equal((RuleBookChange.RuleChanged, "large-amount"), (entry.Change, entry.RuleId));
    }

    [Fact]
    public void A_rule_set_that_changes_several_things_is_recorded_as_activated_without_a_rule_id()
    {
        var book = NewBook();

        var twoRules = Accepted(book.Replace(
            Edited(book, s => WithRule(WithLimit(s, 12_000), "velocity-burst", r => ((VelocityRule)r) with { MaxCount = 8 })), "alice", Monday, null));
        var ruleAndThreshold = Accepted(book.Replace(Edited(book, s => WithLimit(s, 12_000) with { ReviewThreshold = 40 }), "alice", Monday, null));
        // Lateness is a setting, but not a threshold.
        var lateness = Accepted(book.Replace(Edited(book, s => s with { AllowedLatenessSeconds = 60 }), "alice", Monday, null));

        Assert.All([twoRules, ruleAndThreshold, lateness], e => Assert.Equal((RuleBookChange.Activated, (string?)null), (e.Change, e.RuleId)));
    }

    [Fact]
    public void A_rule_set_edited_from_an_older_version_is_refused_and_says_who_changed_the_book_since()
    {
        var book = NewBook();
        var editedFromV1ByBob = Edited(book, s => s with { ReviewThreshold = 40 });
        Applied(book, book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, null));
        var before = book.Active!.ToJson();

        var message = Refused(book.Replace(editedFromV1ByBob, "bob", Tuesday, null), RuleBookRefusal.StaleVersion);

        Assert.Contains("made to v1", message, StringComparison.Ordinal);
        Assert.Contains("v2 is in force", message, StringComparison.Ordinal);
        Assert.Contains("changed by alice at 2026-03-02 10:15:00Z", message, StringComparison.Ordinal);
        Assert.Equal(2, book.History.Count);
        Assert.Equal(before, book.Active!.ToJson());
    }

    [Fact]
    public void A_change_made_to_an_older_version_is_refused_and_nothing_of_it_applied()
    {
        var book = NewBook();
        Applied(book, book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, null));
        var before = book.Active!.ToJson();

        // Each of these would be accepted against v2: only the version they were made to is wrong.
        RuleBookDecision[] stale =
        [
            book.PutRule(NewDeviceRule, 1, "bob", Tuesday, null),
            book.SetEnabled("velocity-burst", false, 1, "bob", Tuesday, null),
            book.RemoveRule("card-testing", 1, "bob", Tuesday, null),
            book.RollBack(1, 1, "bob", Tuesday, null),
            book.PutRule(NewDeviceRule, 3, "bob", Tuesday, null),
        ];

        Assert.All(stale, d => Assert.Contains("v2 is in force (changed by alice", Refused(d, RuleBookRefusal.StaleVersion), StringComparison.Ordinal));
        Assert.Equal(2, book.History.Count);
        Assert.Equal(before, book.Active!.ToJson());
        Accepted(book.PutRule(NewDeviceRule, 2, "bob", Tuesday, null));
    }

    [Theory]
    [InlineData("{not json", "rule set JSON is invalid")]
    [InlineData("""{"version":1,"reviewThreshold":90,"blockThreshold":80,"rules":[]}""", "thresholds must satisfy")]
    public void A_rule_set_that_does_not_parse_or_validate_is_refused_as_invalid(string json, string expected)
    {
        var book = NewBook();
        var before = book.Active!.ToJson();

        Assert.Contains(expected, Refused(book.Replace(json, "alice", Monday, null), RuleBookRefusal.Invalid), StringComparison.Ordinal);
        Assert.Single(book.History);
        Assert.Equal(before, book.Active!.ToJson());
    }

    [Fact]
    public void A_rule_set_with_two_rules_of_one_id_is_refused_as_invalid()
    {
        var book = NewBook();
        var before = book.Active!.ToJson();

        var message = Refused(book.Replace(Edited(book, s => s with { Rules = s.Rules.Add(s.Rules[0] with { Weight = 10 }) }), "alice", Monday, null), RuleBookRefusal.Invalid);

        Assert.Contains("rule id 'large-amount' is used 2 times", message, StringComparison.Ordinal);
        Assert.Single(book.History);
        Assert.Equal(before, book.Active!.ToJson());
    }

    [Fact]
    public void The_rule_set_in_force_sent_back_unchanged_is_refused_as_nothing_to_change()
    {
        var book = NewBook();

        var message = Refused(book.Replace(book.Active!.ToJson(), "alice", Monday, null), RuleBookRefusal.Invalid);

        Assert.Contains("nothing to change", message, StringComparison.Ordinal);
        Assert.Single(book.History);
    }

    [Fact]
    public void A_rule_that_would_leave_the_rule_set_invalid_is_refused_and_nothing_of_it_applied()
    {
        var book = NewBook();
        var before = book.Active!.ToJson();
        var noWindow = RuleSet.RuleToJson(new VelocityRule { Id = "velocity-burst", Weight = 60, WindowSeconds = 0, MaxCount = 5 });
        Assert.NotEmpty(RuleSet.RuleFromJson(noWindow).Problems());

        var message = Refused(book.PutRule(noWindow, 1, "alice", Monday, null), RuleBookRefusal.Invalid);

        Assert.Contains("rule 'velocity-burst': windowSeconds must be positive", message, StringComparison.Ordinal);
        Assert.Equal(before, book.Active!.ToJson());
        Assert.Single(book.History);
    }

    [Theory]
    [InlineData("""{"type":"teleport","id":"x","weight":1}""")]
    [InlineData("""{"type":"threshold","id":"x"}""")]
    [InlineData("null")]
    [InlineData("{")]
    public void A_rule_that_does_not_parse_is_refused_as_invalid(string json)
    {
        var book = NewBook();

        Assert.StartsWith("rule JSON is", Refused(book.PutRule(json, 1, "alice", Monday, null), RuleBookRefusal.Invalid), StringComparison.Ordinal);
        Assert.Single(book.History);
    }

    [Fact]
    public void Putting_a_rule_of_a_new_id_adds_it_after_the_others()
    {
        var book = NewBook();

        var entry = Applied(book, book.PutRule(NewDeviceRule, 1, "alice", Monday, "devices alone"));

        Assert.Equal((2, RuleBookChange.RuleAdded, "new-device-alone", "devices alone"), (entry.Version, entry.Change, entry.RuleId, entry.Comment));
        Assert.Equal(RuleSet.Default.Rules.Length + 1, book.Active!.Rules.Length);
        Assert.Equal("new-device-alone", book.Active.Rules[^1].Id);
        Assert.Equal(2, book.Active.Version);
    }

    [Fact]
    public void Putting_a_rule_of_an_existing_id_replaces_it_in_its_place()
    {
        var book = NewBook();
        var index = RuleSet.Default.Rules.IndexOf(RuleSet.Default.Rules.Single(r => r.Id == "velocity-burst"));

        var entry = Applied(book, book.PutRule(RuleSet.RuleToJson(new VelocityRule { Id = "velocity-burst", Weight = 60, WindowSeconds = 120, MaxCount = 5 }), 1, "alice", Monday, null));

        Assert.Equal((RuleBookChange.RuleChanged, "velocity-burst"), (entry.Change, entry.RuleId));
        Assert.Equal(RuleSet.Default.Rules.Length, book.Active!.Rules.Length);
        Assert.Equal(120, Assert.IsType<VelocityRule>(book.Active.Rules[index]).WindowSeconds);
    }

    [Fact]
    public void Putting_a_rule_exactly_as_it_is_is_refused_as_nothing_to_change()
    {
        var book = NewBook();

        var message = Refused(book.PutRule(RuleSet.RuleToJson(RuleSet.Default.Rules[0]), 1, "alice", Monday, null), RuleBookRefusal.Invalid);

        Assert.Contains("rule 'large-amount' is already so in v1: nothing to change", message, StringComparison.Ordinal);
        Assert.Single(book.History);
    }

    [Fact]
    public void A_rule_switched_off_and_on_again_gives_one_version_each()
    {
        var book = NewBook();

        var off = Applied(book, book.SetEnabled("velocity-burst", false, 1, "alice", Monday, null));
        Assert.False(RuleOf<VelocityRule>(book, "velocity-burst").Enabled);
        var on = Applied(book, book.SetEnabled("velocity-burst", true, 2, "alice", Tuesday, null));

        Assert.Equal((2, RuleBookChange.RuleDisabled, "velocity-burst"), (off.Version, off.Change, off.RuleId));
        Assert.Equal((3, RuleBookChange.RuleEnabled, "velocity-burst"), (on.Version, on.Change, on.RuleId));
        Assert.True(RuleOf<VelocityRule>(book, "velocity-burst").Enabled);
        // Only the switch moved: the rule's parameters are the shipped ones.
        Assert.Equal(RuleSet.Default with { Version = 3 }, book.Active);
    }

    [Fact]
    public void Switching_a_rule_to_what_it_already_is_is_refused_as_nothing_to_change()
    {
        var book = NewBook();
        Applied(book, book.SetEnabled("velocity-burst", false, 1, "alice", Monday, null));

        var disabled = Refused(book.SetEnabled("velocity-burst", false, 2, "alice", Tuesday, null), RuleBookRefusal.Invalid);
        var enabled = Refused(book.SetEnabled("large-amount", true, 2, "alice", Tuesday, null), RuleBookRefusal.Invalid);

        Assert.Contains("'velocity-burst' is already disabled", disabled, StringComparison.Ordinal);
        Assert.Contains("'large-amount' is already enabled", enabled, StringComparison.Ordinal);
        Assert.Equal(2, book.History.Count);
    }

    [Fact]
    public void Switching_or_removing_a_rule_the_book_does_not_have_is_refused_as_not_found()
    {
        var book = NewBook();

        var switched = Refused(book.SetEnabled("nope", false, 1, "alice", Monday, null), RuleBookRefusal.NotFound);
        var removed = Refused(book.RemoveRule("nope", 1, "alice", Monday, null), RuleBookRefusal.NotFound);
        // A condition inside a composite is not a rule of the book.
        Refused(book.SetEnabled("new-device", false, 1, "alice", Monday, null), RuleBookRefusal.NotFound);

        Assert.All([switched, removed], m => Assert.StartsWith("v1 has no rule 'nope' (its rules: large-amount, amount-over-limit,", m, StringComparison.Ordinal));
        Assert.Single(book.History);
    }

    [Fact]
    public void Removing_a_rule_leaves_the_others_as_they_were()
    {
        var book = NewBook();

        var entry = Applied(book, book.RemoveRule("card-testing", 1, "alice", Monday, null));

        Assert.Equal((2, RuleBookChange.RuleRemoved, "card-testing"), (entry.Version, entry.Change, entry.RuleId));
        Assert.Equal(RuleSet.Default.Rules.Where(r => r.Id != "card-testing").Select(RuleSet.RuleToJson), book.Active!.Rules.Select(RuleSet.RuleToJson));
    }

    [Fact]
    public void Rolling_back_puts_an_earlier_versions_rules_in_force_as_the_next_version()
    {
        var book = NewBook();
        Applied(book, book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, null));
        Applied(book, book.RemoveRule("card-testing", 2, "alice", Monday, null));

        var entry = Applied(book, book.RollBack(1, 3, "bob", Tuesday, "the new limit missed a fraud"));

        Assert.Equal((4, RuleBookChange.RolledBack, (string?)null, (int?)1), (entry.Version, entry.Change, entry.RuleId, entry.RolledBackTo));
        Assert.Equal(("bob", Tuesday, "the new limit missed a fraud"), (entry.Who, entry.At, entry.Comment));
        Assert.Equal(4, book.Version);
        Assert.Equal((book.At(1)!.ToRuleSet() with { Version = 0 }).ToJson(), (book.Active! with { Version = 0 }).ToJson());
        Assert.Equal(4, book.History.Count);
    }

    [Theory]
    [InlineData(2, "v2 is the version in force")]
    [InlineData(99, "there is no v99 to roll back to (versions 1 to 2)")]
    [InlineData(0, "there is no v0")]
    public void Rolling_back_to_the_version_in_force_or_to_one_that_never_was_is_refused_as_not_found(int toVersion, string expected)
    {
        var book = NewBook();
        Applied(book, book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, null));

        Assert.Contains(expected, Refused(book.RollBack(toVersion, 2, "bob", Tuesday, null), RuleBookRefusal.NotFound), StringComparison.Ordinal);
        Assert.Equal(2, book.History.Count);
    }

    [Fact]
    public void Rolling_back_to_a_version_whose_rules_are_the_ones_in_force_is_refused_as_nothing_to_change()
    {
        var book = NewBook();
        Applied(book, book.SetEnabled("card-testing", false, 1, "alice", Monday, null));
        Applied(book, book.SetEnabled("card-testing", true, 2, "alice", Monday, null));

        Assert.Contains("v3 already has the rules of v1", Refused(book.RollBack(1, 3, "bob", Tuesday, null), RuleBookRefusal.Invalid), StringComparison.Ordinal);
        Assert.Equal(3, book.History.Count);
    }

    [Fact]
    public void An_entry_whose_rule_set_is_invalid_is_refused_by_apply_and_nothing_of_it_recorded()
    {
        // A journal written by a release with laxer validation must not leave a book half-recovered.
        var book = new RuleBook();
        var invalid = RuleSet.Default with { Rules = RuleSet.Default.Rules.Add(RuleSet.Default.Rules[0]) };

        Assert.Throws<FormatException>(() => book.Apply(RuleBook.First(invalid, "installer", Created, "the shipped rules")));

        Assert.Empty(book.History);
        Assert.Null(book.Active);
    }

    [Fact]
    public void Apply_refuses_an_entry_that_is_not_the_next_version()
    {
        var book = NewBook();
        var v2 = Accepted(book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, null));

        Assert.Throws<InvalidOperationException>(() => book.Apply(book.History[0]));
        Assert.Throws<InvalidOperationException>(() => book.Apply(v2 with { Version = 3 }));
        Assert.Throws<InvalidOperationException>(() => new RuleBook().Apply(v2));
        Assert.Single(book.History);
        Assert.Equal(1, book.Version);
        book.Apply(v2);
        Assert.Equal(2, book.Version);
    }

    [Fact]
    public void A_diff_of_a_changed_limit_gives_the_rule_before_and_after()
    {
        var book = NewBook();
        Applied(book, book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, null));

        var diff = Assert.IsType<RuleSetDiff>(book.Diff(1, 2));

        Assert.Equal((1, 2), (diff.FromVersion, diff.ToVersion));
        var rule = Assert.Single(diff.Rules);
        Assert.Equal(("large-amount", RuleDifferenceKind.Changed), (rule.RuleId, rule.Change));
        Assert.Contains("\"limit\":9000", rule.Before, StringComparison.Ordinal);
        Assert.Contains("\"limit\":12000", rule.After, StringComparison.Ordinal);
        Assert.Empty(diff.Settings);
    }

    [Fact]
    public void A_diff_of_changed_thresholds_lists_them_as_settings()
    {
        var book = NewBook();
        Applied(book, book.Replace(Edited(book, s => s with { ReviewThreshold = 40 }), "alice", Monday, null));

        var diff = Assert.IsType<RuleSetDiff>(book.Diff(1, 2));

        Assert.Empty(diff.Rules);
        Assert.Equal(new SettingDifference("reviewThreshold", "50", "40"), Assert.Single(diff.Settings));
    }

    [Fact]
    public void A_diff_lists_a_removed_rule_with_nothing_after_it_and_backwards_as_added()
    {
        var book = NewBook();
        Applied(book, book.RemoveRule("card-testing", 1, "alice", Monday, null));

        var removed = Assert.Single(book.Diff(1, 2)!.Rules);
        var added = Assert.Single(book.Diff(2, 1)!.Rules);

        Assert.Equal(("card-testing", RuleDifferenceKind.Removed), (removed.RuleId, removed.Change));
        Assert.Contains("\"type\":\"card-testing\"", removed.Before, StringComparison.Ordinal);
        Assert.Null(removed.After);
        Assert.Equal(("card-testing", RuleDifferenceKind.Added, (string?)null, removed.Before), (added.RuleId, added.Change, added.Before, added.After));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(0, 1)]
    [InlineData(3, 2)]
    public void A_diff_with_a_version_the_book_does_not_have_is_null(int from, int to)
    {
        var book = NewBook();
        Applied(book, book.RemoveRule("card-testing", 1, "alice", Monday, null));

        Assert.Null(book.Diff(from, to));
    }

    [Fact]
    public void Replaying_the_history_into_a_new_book_recovers_the_rule_set_in_force()
    {
        var book = NewBook();
        Applied(book, book.Replace(Edited(book, s => WithLimit(s, 12_000)), "alice", Monday, null));
        Applied(book, book.PutRule(NewDeviceRule, 2, "alice", Monday, null));
        Applied(book, book.SetEnabled("velocity-burst", false, 3, "bob", Tuesday, null));
        Applied(book, book.RemoveRule("card-testing", 4, "bob", Tuesday, null));
        Applied(book, book.Replace(Edited(book, s => s with { BlockThreshold = 90 }), "bob", Tuesday, null));
        Applied(book, book.RollBack(2, 6, "alice", Tuesday, "too much at once"));

        var recovered = new RuleBook();
        foreach (var entry in book.History)
        {
            recovered.Apply(entry);
        }

        Assert.Equal(7, recovered.Version);
        Assert.Equal(book.Active!.ToJson(), recovered.Active!.ToJson());
        Assert.Equal(book.History, recovered.History);
        Assert.Equal(book.Diff(1, 7), recovered.Diff(1, 7), new DiffComparer());
        // The next change is decided against the recovered version exactly as against the original.
        Assert.Equal(book.PutRule(NewDeviceRule, 7, "carol", Tuesday, null), recovered.PutRule(NewDeviceRule, 7, "carol", Tuesday, null));
    }

    // RuleSetDiff holds ImmutableArrays, which records compare by reference.
    private sealed class DiffComparer : IEqualityComparer<RuleSetDiff?>
    {
        public bool Equals(RuleSetDiff? x, RuleSetDiff? y) =>
            x is not null && y is not null && (x.FromVersion, x.ToVersion) == (y.FromVersion, y.ToVersion)
            && x.Rules.SequenceEqual(y.Rules) && x.Settings.SequenceEqual(y.Settings);

        public int GetHashCode(RuleSetDiff? obj) => obj?.ToVersion ?? 0;
    }
}

/// <summary>A proposal is validated when it is made, changes nothing until it is activated, and then only on the version it was made to.</summary>
public sealed class Rule_book_proposals
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static RuleBook NewBook()
    {
        var book = new RuleBook();
        book.Apply(RuleBook.First(RuleSet.Default, "installer", At, "the shipped rules"));
        return book;
    }

    private static string WithReview(RuleBook book, int review) => (book.Active! with { ReviewThreshold = review }).ToJson();

    [Fact]
    public void A_proposal_changes_nothing_until_it_is_activated_and_then_becomes_the_next_version()
    {
        var book = NewBook();
        var proposed = book.Propose(WithReview(book, 45), "alice", At, "review earlier");

        var proposal = Assert.IsType<RuleSetProposal>(proposed.Proposal);
        Assert.Null(proposed.Entry);
        book.Apply(proposal);
        Assert.Equal((1, 1, "alice", "review earlier"), (proposal.Number, proposal.BasedOn, proposal.Who, proposal.Comment));
        Assert.Equal(1, book.Version);
        Assert.Equal(50, book.Active!.ReviewThreshold);

        var activated = book.Activate(1, "bob", At.AddHours(1), null);
        var entry = Assert.IsType<RuleBookEntry>(activated.Entry);
        book.Apply(entry);
        Assert.Equal((2, RuleBookChange.ThresholdsChanged, 1, "bob", "review earlier"), (entry.Version, entry.Change, entry.FromProposal, entry.Who, entry.Comment));
        Assert.Equal(45, book.Active!.ReviewThreshold);

        Assert.Equal(RuleBookRefusal.Invalid, book.Activate(1, "bob", At, null).Refusal);
        Assert.Equal(RuleBookRefusal.NotFound, book.Activate(2, "bob", At, null).Refusal);
    }

    [Fact]
    public void A_proposal_made_to_a_version_no_longer_in_force_is_refused_at_activation_and_an_invalid_one_when_it_is_made()
    {
        var book = NewBook();
        book.Apply(book.Propose(WithReview(book, 45), "alice", At, null).Proposal!);
        book.Apply(book.SetEnabled("card-testing", false, 1, "bob", At, null).Entry!);

        var stale = book.Activate(1, "alice", At, null);
        Assert.Equal(RuleBookRefusal.StaleVersion, stale.Refusal);
        Assert.Contains("proposal 1 was made to v1, but v2 is in force", stale.Message, StringComparison.Ordinal);

        var invalid = book.Propose((book.Active! with { BlockThreshold = 10 }).ToJson(), "alice", At, null);
        Assert.Equal(RuleBookRefusal.Invalid, invalid.Refusal);
        Assert.Null(invalid.Proposal);
        Assert.Single(book.Proposals);
    }

    [Fact]
    public void Proposals_and_versions_replayed_in_order_recover_the_same_book()
    {
        var book = NewBook();
        book.Apply(book.Propose(WithReview(book, 45), "alice", At, null).Proposal!);
        book.Apply(book.Activate(1, "bob", At, null).Entry!);
        book.Apply(book.Propose(WithReview(book, 40), "alice", At, null).Proposal!);

        var recovered = new RuleBook();
        foreach (var entry in book.History)
        {
            recovered.Apply(entry);
        }

        foreach (var proposal in book.Proposals)
        {
            recovered.Apply(proposal);
        }

        Assert.Equal(book.Active!.ToJson(), recovered.Active!.ToJson());
        Assert.Equal(book.Proposals, recovered.Proposals);
        Assert.Throws<InvalidOperationException>(() => recovered.Apply(book.Proposals[0]));
        Assert.Equal(RuleBookRefusal.Invalid, recovered.Activate(1, "bob", At, null).Refusal);
        Assert.NotNull(recovered.Activate(2, "bob", At, null).Entry);
    }
}
