using AkkaFraud.Cli.Commands;
using Spectre.Console.Cli;

namespace AkkaFraud.Cli;

/// <summary>The verbs of <c>akkafraud</c>, modelled on Petabridge.Cmd's cluster and sharding commands.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("akkafraud");
            config.ConfigureConsole(environment.Console);
            config.Settings.Registrar.RegisterInstance(environment);
            config.SetExceptionHandler((exception, _) =>
            {
                // Parse errors and anything unforeseen: one line, never a stack trace.
                environment.Error.WriteLine($"akkafraud: {exception.Message}");
                return exception is CliException cli ? cli.ExitCode : ExitCodes.Usage;
            });
            config.AddBranch("cluster", cluster =>
            {
                cluster.SetDescription("The Akka cluster: members, their work, shards, partitions, leave and down.");
                cluster.AddCommand<ClusterShowCommand>("show").WithDescription("Every member with its status and its work (partitions, shards, entities, tx/s).");
                cluster.AddCommand<ClusterMembersCommand>("members").WithDescription("Every member: status, roles, age rank, reachability, leader and oldest.");
                cluster.AddCommand<ClusterLeaveCommand>("leave").WithDescription("A member hands its partitions and shards over and leaves (its process exits).");
                cluster.AddCommand<ClusterDownCommand>("down").WithDescription("Removes a crashed or frozen member at once.");
                cluster.AddCommand<ClusterShardsCommand>("shards").WithDescription("The shards each scorer hosts, with entity counts (region 'account').");
                cluster.AddCommand<ClusterPartitionsCommand>("partitions").WithDescription("Each Kafka partition: owner, stored offset, high watermark, lag, records/s.");
                cluster.AddCommand<ClusterEventsCommand>("events").WithDescription("Cluster events and partition moves, live, until Ctrl-C.");
            });
            config.AddBranch("dlq", dlq =>
            {
                dlq.SetDescription("Dead letters: the records the parser rejected.");
                dlq.AddCommand<DeadLetterListCommand>("list").WithDescription("Dead letters, newest first, filtered by reason, partition and time.");
                dlq.AddCommand<DeadLetterShowCommand>("show").WithDescription("One dead letter with its whole payload (text, or hex when not UTF-8).");
                dlq.AddCommand<DeadLetterReplayCommand>("replay").WithDescription("Produces dead letters to the transactions topic again, once their records parse.");
            });
            config.AddBranch("keys", keys =>
            {
                keys.SetDescription("API keys: who may see and do what (admin).");
                keys.AddCommand<KeyCreateCommand>("create").WithDescription("Creates a key with a role (and an expiry); prints its secret, once.");
                keys.AddCommand<KeyListCommand>("list").WithDescription("Every key with its role and state; never a secret.");
                keys.AddCommand<KeyRevokeCommand>("revoke").WithDescription("Revokes a key, by id or name: it grants nothing from the next request on.");
            });
            config.AddBranch("rules", rules =>
            {
                rules.SetDescription("The rule book: the rules in force, their history, and changes that are in force on every node without a restart.");
                rules.AddCommand<RulesGetCommand>("get").WithDescription("The rule set in force, as JSON (edit it, then 'rules set').");
                rules.AddCommand<RulesSetCommand>("set").WithDescription("Puts a rule set file in force (admin); --dry-run backtests it over the last hour first.");
                rules.AddCommand<RulesEnableCommand>("enable").WithDescription("Enables one rule (admin).");
                rules.AddCommand<RulesDisableCommand>("disable").WithDescription("Disables one rule (admin).");
                rules.AddCommand<RulesSnoozeCommand>("snooze").WithDescription("Snoozes one rule for one account until a time (--until 7d), or ends it (--end) (admin).");
                rules.AddCommand<RulesHistoryCommand>("history").WithDescription("Every version, newest first: what changed, who, when, why.");
                rules.AddCommand<RulesDiffCommand>("diff").WithDescription("What differs between two versions (default: the one in force and the one before).");
                rules.AddCommand<RulesRollbackCommand>("rollback").WithDescription("Puts an earlier version's rules back in force, as the next version (admin).");
            });
            config.AddCommand<AuditCommand>("audit").WithDescription("The audit log, newest first: who changed what, from where, and the answer (admin).");
            config.AddBranch("alerts", alerts =>
            {
                alerts.SetDescription("Fraud alerts.");
                alerts.AddCommand<AlertsTailCommand>("tail").WithDescription("Alerts as the node commits them, live over its hub, until Ctrl-C.");
            });
            config.AddCommand<BacktestCommand>("backtest").WithDescription("Replays recorded transactions (JSON lines or CSV) through a rule set: alerts per rule, precision, recall, F1, and the difference from another set.");
            config.AddCommand<SimulateCommand>("simulate").WithDescription("Produces simulated traffic (or a JSONL file) to any Kafka, with a progress bar.");
        });
        return await app.RunAsync(args, cancellationToken);
    }
}
