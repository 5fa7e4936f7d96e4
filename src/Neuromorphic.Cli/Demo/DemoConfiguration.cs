using Neuromorphic.Simulation;

namespace Neuromorphic.Cli.Demo;

/// <summary>One configuration the demo runs: a chip, a mode, the variability it has, whether it is traced, and how the neurons run (with early exit or not).</summary>
internal sealed record DemoConfiguration(string Name, string Chip, SyncMode Mode, string Variability, bool Traced = false,
    NeuronRealization Realization = NeuronRealization.Spiking, bool EarlyExit = false)
{
    public static readonly DemoConfiguration[] All =
    [
        new("barrier", "loihi1-calibrated", SyncMode.Barrier, "none", Traced: true),
        new("handshake", "loihi1-calibrated", SyncMode.Handshake, "none"),
        new("async", "loihi1-calibrated", SyncMode.Async, "none"),
        new("async + timing variability", "loihi1-async-variable", SyncMode.Async, "clock skew 5 %, latency jitter 10 %"),
        new("barrier + analog mismatch", "analog-mismatch", SyncMode.Barrier, "thresholds, decays, weights 10 %"),
        new("loihi 2: sigma-delta graded, early exit", "loihi2-like", SyncMode.Barrier, "none", Realization: NeuronRealization.SigmaDelta, EarlyExit: true),
    ];
}
