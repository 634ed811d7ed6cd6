namespace AkkaFraud.Node.Hosting;

/// <summary>A setting that is wrong or missing: the message says which, and how to fix it.</summary>
internal sealed class NodeConfigurationException(string message) : Exception(message);
