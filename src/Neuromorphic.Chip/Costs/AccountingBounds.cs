namespace Neuromorphic.Chip.Costs;

/// <summary>
/// The largest values the integer accounting accepts, so that no conversion or sum silently leaves
/// the range of a 64-bit integer (femtojoules and picoseconds, ±9.2·10^18). A per-event energy or
/// latency at its bound converts to 10^9 fJ or ps, so one inference's sums hold at least 9.2·10^9
/// events at the bound — for instance <see cref="MaxSteps"/> steps of 92 events each — and far more
/// at real costs (Loihi's are tens of pJ and ns). The engines also check every sum (checked
/// arithmetic): a run that would still leave the range stops with an
/// <see cref="AccountingOverflowException"/> naming the inference, never a wrong figure.
/// </summary>
public static class AccountingBounds
{
    /// <summary>Energy of one event (pJ): 1 µJ, 10^4–10^5 × Loihi's.</summary>
    public const double MaxEventEnergyPj = 1e6;

    /// <summary>Latency of one event, a barrier or an async step period (ns): 1 ms.</summary>
    public const double MaxEventLatencyNs = 1e6;

    /// <summary>Static power of the whole modelled chip (mW): 10 kW, beyond any neuromorphic system built.</summary>
    public const double MaxStaticPowerMw = 1e7;

    /// <summary>Algorithmic steps of one inference: 10^8 (28 hours of Loihi steps at 1 ms).</summary>
    public const int MaxSteps = 100_000_000;
}

/// <summary>An energy or time sum of an inference left the range of the integer accounting.</summary>
public sealed class AccountingOverflowException(string message, Exception? inner = null) : Exception(message, inner);
