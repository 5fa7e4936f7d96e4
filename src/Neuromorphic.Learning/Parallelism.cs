namespace Neuromorphic.Learning;

/// <summary>
/// Runs independent tasks on up to a given number of threads. Callers split work so that every
/// result is computed by exactly one task in a fixed order: the outcome never depends on the
/// thread count or on scheduling.
/// </summary>
internal static class Parallelism
{
    /// <summary>The thread count to use for a request of <paramref name="threads"/> (0 or less: all processors).</summary>
    public static int Resolve(int threads) => threads > 0 ? threads : Environment.ProcessorCount;

    public static void For(int count, int threads, Action<int> body)
    {
        threads = Resolve(threads);
        if (threads == 1 || count <= 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}
