// Every test here starts app hosts whose first instance asks for NSO's stock ports, and some
// assert that a port stays the same across two runs: they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
