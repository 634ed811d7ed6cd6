using Akka.Event;
using Confluent.Kafka;
using LogMessage = Confluent.Kafka.LogMessage;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>Forwards librdkafka's log lines to the stage's Akka log, syslog levels mapped to Akka's.</summary>
internal sealed class LibRdKafkaLogBridge(ILoggingAdapter log)
{
    public void Forward(LogMessage message)
    {
        switch (message.Level)
        {
            case SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error:
                log.Error("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
            case SyslogLevel.Warning:
                log.Warning("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
            case SyslogLevel.Notice or SyslogLevel.Info:
                log.Info("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
            default:
                log.Debug("librdkafka {0}: {1}", message.Facility, message.Message);
                break;
        }
    }
}
