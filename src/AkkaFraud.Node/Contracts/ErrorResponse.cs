namespace AkkaFraud.Node.Contracts;

/// <summary>Every 4xx answer: what was wrong and how to fix it.</summary>
public sealed record ErrorResponse(string Error);
