namespace AkkaFraud.Node.Simulation;

/// <summary>An injection the simulator cannot take right now (it is paused or still starting).</summary>
internal sealed class SimulatorUnavailableException(string message) : Exception(message);
