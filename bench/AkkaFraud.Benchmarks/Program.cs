using AkkaFraud.Benchmarks;

// Each benchmark is a verb; each prints what it measured and the command that reproduces it.
return BenchmarkCatalog.Run(args);
