using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;

namespace AkkaFraud.Node.Hosting;

/// <summary>
/// Akka's log events into Microsoft.Extensions.Logging with the category of the class that logged them
/// (<c>Akka.Cluster.ClusterCoreDaemon</c>, <c>AkkaFraud.Cluster.Pipeline.PipelineSupervisor</c>), so that
/// <c>Logging:LogLevel:Akka</c> and <c>Logging:LogLevel:AkkaFraud</c> filter them apart. Akka.Hosting's own
/// <see cref="LoggerFactoryLogger"/> logs every event under the one category <c>Akka.Actor.ActorSystem</c>, with
/// Akka's level and time inside the message, which no category filter can tell apart.
/// </summary>
internal sealed class AkkaEventLogger : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ConcurrentDictionary<Type, ILogger> _loggers = new();
    private readonly ILoggerFactory _factory;

    public AkkaEventLogger()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _factory = setup.HasValue
            ? setup.Value.LoggerFactory
            : throw new ConfigurationException($"{nameof(AkkaEventLogger)} needs the {nameof(LoggerFactorySetup)} that Akka.Hosting adds from the host's services.");
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent e:
                Log(e);
                return true;
            default:
                return false;
        }
    }

    private void Log(LogEvent e)
    {
        // A source that names itself with a string (Logging.GetLogger(system, "name"), a stage's LogSource) carries no
        // class: Akka's own placeholder for that case is the category, so it filters as Akka's.
        var type = e.LogClass is null || e.LogClass == typeof(string) ? typeof(DummyClassForStringSources) : e.LogClass;
        var logger = _loggers.GetOrAdd(type, _factory.CreateLogger);
        var level = Level(e.LogLevel());
        if (logger.IsEnabled(level))
        {
            logger.Log(level, e.Cause, "[{LogSource}] {Message}", e.LogSource, e.Message?.ToString());
        }
    }

    private static Microsoft.Extensions.Logging.LogLevel Level(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };
}
