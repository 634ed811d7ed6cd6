using System.Globalization;
using System.Text;
using System.Text.Json;
using AkkaFraud.Domain;
using AkkaFraud.Node.Tests.Support;
using AkkaFraud.Simulator;

namespace AkkaFraud.Node.Tests;

/// <summary>
/// <c>akkafraud backtest</c>, as its own process: its numbers are the engine's over the same records, its CSV mapping
/// turns a foreign file into the same transactions, and every mistake ends in one line and exit code 2.
/// </summary>
public sealed class Cli_backtest : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("akkafraud-backtest-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>Simulated transactions as JSON lines, each with its scenario (or null) in a "label" property the parser ignores.</summary>
    private (string File, List<SimulatedTransaction> Transactions) LabelledTraffic(int count, int seed)
    {
        var simulator = new TrafficSimulator(new SimulatorOptions
        {
            Seed = seed, Accounts = 300, Start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), EventsPerSecond = 200, FraudShare = 0.05, InvalidShare = 0,
        });
        var transactions = simulator.Transactions().Take(count).ToList();
        var file = PathOf($"traffic-{seed}.jsonl");
        File.WriteAllLines(file, transactions.Select(t =>
        {
            var line = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(TransactionJson.Serialize(t.Transaction))!;
            line["label"] = JsonSerializer.SerializeToElement(t.Label?.Scenario.ToCode());
            return JsonSerializer.Serialize(line);
        }));
        return (file, transactions);
    }

    [Fact]
    public async Task Its_counts_and_ratios_are_the_engines_replay_measured_against_the_labels()
    {
        var (file, transactions) = LabelledTraffic(20_000, seed: 11);

        var run = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", file, "--labels", "label", "--report", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = JsonDocument.Parse(run.Out).RootElement.GetProperty("report");
        var verdicts = RuleEngine.Replay(transactions.Select(t => t.Transaction), RuleSet.Default);
        var fraud = transactions.Select(t => t.IsFraud).ToList();
        var flagged = verdicts.Count(v => v.Flagged);
        var flaggedFraud = verdicts.Where((v, i) => v.Flagged && fraud[i]).Count();
        Assert.Equal(transactions.Count, report.GetProperty("transactions").GetInt64());
        Assert.Equal(flagged, report.GetProperty("flagged").GetInt64());
        Assert.Equal(fraud.Count(f => f), report.GetProperty("fraud").GetInt64());
        Assert.Equal((double)flaggedFraud / flagged, report.GetProperty("precision").GetDouble(), 12);
        Assert.Equal((double)flaggedFraud / fraud.Count(f => f), report.GetProperty("recall").GetDouble(), 12);

        var rules = report.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("ruleId").GetString()!);
        Assert.Equal(RuleSet.Default.Rules.Select(r => r.Id), rules.Keys);
        var drains = verdicts.Select((v, i) => (v, i)).Where(x => x.v.Reasons.Any(r => r.RuleId == "account-drain")).ToList();
        Assert.Equal(drains.Count, rules["account-drain"].GetProperty("fired").GetInt64());
        Assert.Equal(drains.Count(x => fraud[x.i]), rules["account-drain"].GetProperty("onFraud").GetInt64());
        // An allow rule accuses no one: its ratios are not a precision or recall ("NaN"), the table says "allow".
        Assert.True(rules["money-in"].GetProperty("fired").GetInt64() > 0);
        Assert.Equal("NaN", rules["money-in"].GetProperty("precision").GetString());
        Assert.Equal("NaN", rules["money-in"].GetProperty("recall").GetString());

        var takeovers = report.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("label").GetString() == "account-takeover");
        var ato = transactions.Select((t, i) => (t, i)).Where(x => x.t.Label?.Scenario == FraudScenario.AccountTakeover).ToList();
        Assert.Equal(ato.Count, takeovers.GetProperty("transactions").GetInt64());
        Assert.Equal(ato.Count(x => verdicts[x.i].Flagged), takeovers.GetProperty("caught").GetInt64());
    }

    [Fact]
    public async Task Against_another_rule_set_it_counts_what_is_newly_and_no_longer_flagged_with_examples_and_the_table_says_so()
    {
        var (file, transactions) = LabelledTraffic(5_000, seed: 12);
        var seedRules = PathOf("seed.json");
        File.WriteAllText(seedRules, RuleSet.Seed.ToJson());

        var run = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", file, "--against", seedRules, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var difference = JsonDocument.Parse(run.Out).RootElement.GetProperty("report").GetProperty("against");
        var now = RuleEngine.Replay(transactions.Select(t => t.Transaction), RuleSet.Default);
        var before = RuleEngine.Replay(transactions.Select(t => t.Transaction), RuleSet.Seed);
        var newly = now.Where((v, i) => v.Flagged && !before[i].Flagged).Select(v => v.TransactionId).ToList();
        Assert.Equal(newly.Count, difference.GetProperty("newlyFlagged").GetInt64());
        Assert.Equal(now.Where((v, i) => !v.Flagged && before[i].Flagged).Count(), difference.GetProperty("noLongerFlagged").GetInt64());
        Assert.Equal(newly.Take(Backtest.Examples), difference.GetProperty("newlyFlaggedExamples").EnumerateArray().Select(e => e.GetString()));

        var table = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", file, "--against", "seed");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"5,000 transactions of", table.Out, StringComparison.Ordinal);
        Assert.Contains($"against rule set v1: {newly.Count:N0} newly flagged (e.g. {newly[0]}", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_lines_from_windows_with_a_byte_order_mark_crlf_and_no_final_newline_read_as_the_plain_file_and_utf16_is_refused()
    {
        var (file, _) = LabelledTraffic(3_000, seed: 13);
        var lines = File.ReadAllLines(file).ToList();
        // A record longer than the reader's first buffer makes it grow; the parser rejects it as too large, in both files.
        lines.Insert(1234, $$"""{"accountId":"{{new string('x', 100_000)}}"}""");
        // A blank line is no record, also when it is a lone CR.
        lines.Insert(500, "");
        File.WriteAllText(file, string.Join('\n', lines) + "\n");
        var windows = PathOf("windows.jsonl");
        File.WriteAllBytes(windows, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(string.Join("\r\n", lines))]);

        var plain = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", file, "--labels", "label", "--json");
        var fromWindows = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", windows, "--labels", "label", "--json");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.True(fromWindows.ExitCode == 0, fromWindows.ToString());
        var expected = JsonDocument.Parse(plain.Out).RootElement;
        var actual = JsonDocument.Parse(fromWindows.Out).RootElement;
        Assert.Equal(3_000, expected.GetProperty("report").GetProperty("transactions").GetInt64());
        Assert.Equal(1, expected.GetProperty("rejected").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(expected.GetProperty("report").GetRawText(), actual.GetProperty("report").GetRawText());
        Assert.Equal(expected.GetProperty("rejected").GetRawText(), actual.GetProperty("rejected").GetRawText());

        var utf16 = PathOf("utf16.jsonl");
        File.WriteAllText(utf16, string.Join('\n', lines.Take(10)), Encoding.Unicode);
        var refused = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", utf16);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("the input is UTF-16 or UTF-32", refused.Error, StringComparison.Ordinal);
        Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_pipe_is_read_to_its_end_like_a_file()
    {
        var (file, _) = LabelledTraffic(2_000, seed: 14);
        var fifo = PathOf("traffic.fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // The table, not --json: its progress bar is the part that asked a pipe for its length.
        var run = CliProcess.RunAsync("backtest", "--rules", "default", "--input", fifo);
        var write = Task.Run(async () =>
        {
            await using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            await using var source = File.OpenRead(file);
            await source.CopyToAsync(pipe);
        });
        var result = await run;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(write.IsCompletedSuccessfully, "the whole file went into the pipe");
        Assert.Contains("2,000 transactions of", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_file_is_mapped_column_by_column_validated_like_the_topic_and_scored_like_the_same_json()
    {
        // PaySim's layout: an hour number, its own type codes, the payer's and the payee's balances, a fraud flag.
        File.WriteAllText(PathOf("paysim.csv"), """
            step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,isFraud
            1,PAYMENT,9839.64,C1231006815,170136.0,160296.36,M1979787155,0
            1,TRANSFER,181.0,C1305486145,181.0,0.0,C553264065,1
            2,CASH_OUT,"229133.94",C840083671,229133.94,0.0,C38997010,1
            2,PAYMENT,-5,C840083671,0,0,M1,0
            3,WIRE,10,C840083671,0,0,M1,0
            """);
        File.WriteAllText(PathOf("paysim.mapping.json"), """
            {
              // The hour of the month the record is from.
              "eventTime": { "unit": "hours", "origin": "2026-11-01T00:00:00Z" },
              "fields": { "eventTime": "step", "type": "type", "amount": "amount", "accountId": "nameOrig", "counterpartyId": "nameDest",
                          "balanceBefore": "oldbalanceOrg", "balanceAfter": "newbalanceOrig" },
              "constants": { "currency": "EUR", "channel": "transfer", "country": "NL" },
              "values": { "type": { "PAYMENT": "payment", "TRANSFER": "transfer", "CASH_OUT": "cash-withdrawal", "CASH_IN": "deposit", "DEBIT": "payment" } }
            }
            """);

        var run = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", PathOf("paysim.csv"), "--mapping", PathOf("paysim.mapping.json"),
            "--labels", "isFraud", "--verdicts", PathOf("verdicts.jsonl"), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal(3, root.GetProperty("report").GetProperty("transactions").GetInt64());
        Assert.Equal(2, root.GetProperty("report").GetProperty("fraud").GetInt64());
        Assert.Equal(1, root.GetProperty("rejected").GetProperty("invalid_amount").GetInt64());
        Assert.Equal(1, root.GetProperty("rejected").GetProperty("invalid_field").GetInt64());

        var verdicts = File.ReadAllLines(PathOf("verdicts.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["row-2", "row-3", "row-4"], verdicts.Select(v => v.GetProperty("transactionId").GetString()));
        // The same row written as the topic's JSON by hand scores the same.
        var cashOut = new Transaction
        {
            TransactionId = "row-4", AccountId = "C840083671", EventTime = new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero), Amount = 229133.94m,
            Currency = "EUR", Type = TransactionType.CashWithdrawal, Channel = Channel.Transfer, CounterpartyId = "C38997010", Country = "NL",
            BalanceBefore = 229133.94m, BalanceAfter = 0,
        };
        var expected = RuleEngine.Replay([cashOut], RuleSet.Default)[0];
        Assert.Equal(expected.Score, verdicts[2].GetProperty("score").GetInt32());
        Assert.Equal(expected.Reasons.Select(r => r.Message), verdicts[2].GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("message").GetString()));
        Assert.Contains("account-drain", verdicts[2].GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()));
    }

    [Theory]
    [InlineData("--rules", "missing.json", "--rules missing.json does not exist")]
    [InlineData("--rules", "bad-rules.json", "--rules bad-rules.json: rule set is invalid")]
    [InlineData("--mapping", "bad-mapping.json", "names 'amout', not transaction fields")]
    [InlineData("--mapping", "absent-column.json", "the CSV header has no column 'sum' (mapped to amount)")]
    public async Task A_mistake_is_one_line_that_says_what_to_fix_and_exit_code_2(string option, string file, string message)
    {
        File.WriteAllText(PathOf("in.csv"), "transactionId,accountId,eventTime,amount,currency,type,channel,country\nt-1,a-1,2026-11-01T00:00:00Z,10,EUR,purchase,pos,DE\n");
        File.WriteAllText(PathOf("bad-rules.json"), """{"version":1,"rules":[{"type":"velocity","id":"v","weight":10,"windowSeconds":0,"maxCount":1}]}""");
        File.WriteAllText(PathOf("bad-mapping.json"), """{"fields":{"amout":"amount"}}""");
        File.WriteAllText(PathOf("absent-column.json"), """{"fields":{"amount":"sum"}}""");
        string[] args = option == "--rules"
            ? ["backtest", "--rules", PathOf(file), "--input", PathOf("in.csv")]
            : ["backtest", "--rules", "default", "--input", PathOf("in.csv"), "--mapping", PathOf(file)];

        var run = await CliProcess.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message.Replace("missing.json", PathOf("missing.json"), StringComparison.Ordinal)
            .Replace("bad-rules.json", PathOf("bad-rules.json"), StringComparison.Ordinal), run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_csv_whose_header_uses_the_field_names_needs_no_mapping()
    {
        File.WriteAllText(PathOf("plain.csv"), "transactionId,accountId,eventTime,amount,currency,type,channel,country\n"
            + string.Join('\n', Enumerable.Range(0, 7).Select(i => $"t-{i},a-1,2026-11-01T00:00:{i.ToString("00", CultureInfo.InvariantCulture)}Z,12.5,EUR,purchase,pos,DE")) + "\n");

        var run = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", PathOf("plain.csv"), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rules = JsonDocument.Parse(run.Out).RootElement.GetProperty("report").GetProperty("rules").EnumerateArray();
        // Seven in seven seconds: the velocity rule (more than 5 in 60 s) fires on the sixth and the seventh.
        Assert.Equal(2, rules.Single(r => r.GetProperty("ruleId").GetString() == "velocity-burst").GetProperty("fired").GetInt64());
    }
}

/// <summary>The backtest's verdicts are the pipeline's: the same file through Kafka into a node, and through the CLI.</summary>
public sealed class Backtest_and_the_pipeline
{
    [Fact]
    public async Task A_file_produced_to_a_node_and_backtested_gets_the_same_verdict_for_every_transaction_and_the_same_rejections()
    {
        await using var node = await TestNode.StartAsync("Simulator:Enabled=false");
        var folder = Directory.CreateTempSubdirectory("akkafraud-backtest-").FullName;
        try
        {
            // Event times two days back: a backtest has no Kafka timestamps, so it judges no "far future"; nothing here is.
            var simulator = new TrafficSimulator(new SimulatorOptions
            {
                Seed = 21, Accounts = 200, Start = DateTimeOffset.UtcNow.AddDays(-2), EventsPerSecond = 300, FraudShare = 0.05, InvalidShare = 0.02,
            });
            var records = simulator.Records().Where(r => r.Defect?.ExpectedCode is not RejectionCode.FutureEventTime).Take(3000).ToList();
            var file = Path.Combine(folder, "traffic.jsonl");
            // One record per line: an invalid record whose bytes hold a line break would be two lines, so leave those out.
            File.WriteAllLines(file, records.Select(r => Encoding.UTF8.GetString(r.Value)).Where(l => !l.Contains('\n', StringComparison.Ordinal) && !l.Contains('\r', StringComparison.Ordinal) && l.Length > 0));
            var lines = File.ReadAllLines(file).Length;

            var kafka = node.Node.Settings.Kafka;
            var produce = await CliProcess.RunAsync("simulate", "--bootstrap", kafka.BootstrapServers, "--topic", kafka.TransactionsTopic, "--file", file, "--rate", "5000");
            Assert.True(produce.ExitCode == 0, produce.ToString());
            await Eventually.TrueAsync(async () =>
            {
                var totals = await node.Store.GetTotalsAsync();
                return totals.Transactions + totals.DeadLetters == lines;
            }, TimeSpan.FromMinutes(2), $"all {lines} records committed");

            var verdictsFile = Path.Combine(folder, "verdicts.jsonl");
            var backtest = await CliProcess.RunAsync("backtest", "--rules", "default", "--input", file, "--verdicts", verdictsFile, "--json");
            Assert.True(backtest.ExitCode == 0, backtest.ToString());

            var totalsAfter = await node.Store.GetTotalsAsync();
            var rejected = JsonDocument.Parse(backtest.Out).RootElement.GetProperty("rejected").EnumerateObject().Sum(p => p.Value.GetInt64());
            Assert.Equal(totalsAfter.DeadLetters, rejected);
            var verdicts = File.ReadAllLines(verdictsFile).Select(l => JsonDocument.Parse(l).RootElement).Where(v => !v.GetProperty("isDuplicate").GetBoolean()).ToList();
            Assert.Equal(totalsAfter.Transactions, verdicts.Count);
            Assert.Contains(verdicts, v => v.GetProperty("score").GetInt32() > 0);
            foreach (var v in verdicts)
            {
                var stored = await node.Store.GetTransactionAsync(v.GetProperty("transactionId").GetString()!);
                Assert.NotNull(stored);
                Assert.Equal(stored.Verdict.Score, v.GetProperty("score").GetInt32());
                Assert.Equal(WireNames.Decision(stored.Verdict.Decision), v.GetProperty("decision").GetString());
                Assert.Equal(stored.Verdict.Reasons.Select(r => (r.RuleId, r.Message)),
                    v.GetProperty("reasons").EnumerateArray().Select(r => (r.GetProperty("ruleId").GetString()!, r.GetProperty("message").GetString()!)));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
