// Each test drives a real node and a real Chromium: on a 2-core box they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
