using System.Text.Json;
using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace AkkaFraud.Streams.Kafka.Internal;

/// <summary>
/// Whether any broker is reachable, from librdkafka's connection errors and statistics; the source turns unhealthy
/// after <see cref="KafkaConsumerSettings.UnreachableTimeout"/> cut off, and healthy again once a broker is up.
/// Callbacks and updates run on the poll thread; <see cref="Current"/> is read from any thread.
/// </summary>
internal sealed class BrokerHealthMonitor(
    KafkaConsumerSettings options, KafkaSourceHealth initial, PartitionListenerGuard listener, TimeProvider time, ILoggingAdapter log)
{
    private volatile KafkaSourceHealth _current = initial;
    private long? _unreachableSince;
    private string _unreachableReason = "no broker reachable";

    public KafkaSourceHealth Current => _current;

    /// <summary>A non-fatal client error: connectivity errors start the unreachable clock.</summary>
    public void OnError(Error error)
    {
        if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve)
        {
            _unreachableReason = $"{error.Code}: {error.Reason}";
            if (_unreachableSince is not null)
            {
                // Already known to be cut off: librdkafka repeats this on every reconnect attempt.
                log.Debug("Kafka source error: {0} ({1})", error.Reason, error.Code);
                return;
            }

            if (error.Code == ErrorCode.Local_AllBrokersDown)
            {
                _unreachableSince = time.GetTimestamp();
            }
        }

        log.Warning("Kafka source error: {0} ({1})", error.Reason, error.Code);
    }

    /// <summary>librdkafka's statistics tell, every health-check interval, whether any broker connection is up.</summary>
    public void OnStatistics(string json)
    {
        bool reachable;
        try
        {
            using var document = JsonDocument.Parse(json);
            reachable = document.RootElement.TryGetProperty("brokers", out var brokers)
                && brokers.EnumerateObject().Any(static broker =>
                    broker.Value.TryGetProperty("state", out var state) && state.ValueEquals("UP"));
        }
        catch (JsonException e)
        {
            log.Debug("Kafka source ignored unreadable statistics: {0}", e.Message);
            return;
        }

        if (reachable)
        {
            _unreachableSince = null;
        }
        else
        {
            _unreachableSince ??= time.GetTimestamp();
        }
    }

    public void Update(long now)
    {
        var health = _current;
        if (_unreachableSince is { } since)
        {
            var elapsed = time.GetElapsedTime(since, now);
            if (health.IsHealthy && elapsed >= options.UnreachableTimeout)
            {
                var reason = $"no Kafka broker reachable for {elapsed.TotalSeconds:0} s (last error: {_unreachableReason})";
                log.Error("Kafka source is unhealthy: {0}", reason);
                Set(new KafkaSourceHealth(false, reason, time.GetUtcNow()));
            }
        }
        else if (!health.IsHealthy)
        {
            log.Info("Kafka source is healthy again: brokers reachable");
            Set(new KafkaSourceHealth(true, "brokers reachable", time.GetUtcNow()));
        }
    }

    private void Set(KafkaSourceHealth health)
    {
        _current = health;
        listener.Notify(static (target, health) => target.OnHealthChanged(health), health);
    }
}
