// Each class drives a published server as a child process; on a shared 2-core machine they run one at
// a time so a kill cycle is not starved by a hostile-input class starting its own server.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
