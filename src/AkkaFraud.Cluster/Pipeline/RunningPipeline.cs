using Akka;
using AkkaFraud.Streams.Kafka;

namespace AkkaFraud.Cluster.Pipeline;

/// <summary>What a running pipeline hands back: the consumer's control and the stream's completion.</summary>
internal sealed record RunningPipeline(KafkaConsumerControl Control, Task<Done> Completion);
