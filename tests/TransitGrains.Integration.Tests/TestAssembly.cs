// Each test runs one to three silo processes and a load on them; side by side on a 2-core machine they would
// starve each other (and the silos' membership probes). One at a time keeps timings meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
