using Neuromorphic.Chip.Costs;

namespace Neuromorphic.Simulation;

/// <summary>
/// A message as the timing model saw it: its route, its times (sent after any blocking, accepted by the
/// destination, processed), its delays, and the source core's neuron work since its previous message
/// (accesses, updates, spikes out: what its generation delay is made of, so a trace can be re-timed
/// under other costs).
/// </summary>
public readonly record struct MessageEvent(int Step, int SourceNeuron, int SourceCore, int DestinationCore, int Synapses,
    int HopsEast, int HopsWest, int HopsNorth, int HopsSouth, long SentPs, long ReceivedPs, long ProcessedPs,
    long GenerationDelayPs, long NetworkDelayPs, long BlockingPs, int AccessedBefore, int UpdatedBefore, int FiredBefore);

/// <summary>
/// What one core did over one of its steps, with the energy the chip instance's cost table gives it
/// (computed once, by the engine) and the core's times: the step's start and end (in barrier mode the
/// barrier's release) and the time its neuron work and message sends kept it busy. Steps count from 1. Times are ps from the inference start.
/// </summary>
public readonly record struct CoreStepEvent(int Step, int Core, CoreStepCounters Counters, EnergyBreakdown Energy, long StartPs, long EndPs, long BusyPs);

/// <summary>
/// Receives what one inference does, in the engine's total event order. Implemented by the
/// trace recorder; the engine calls it only when one is attached, and the <c>Wants…</c> flags let
/// it skip work nobody records. Times are absolute within the inference (ps from its start).
/// </summary>
public interface ISimulationObserver
{
    bool WantsInputs { get; }

    bool WantsSpikes { get; }

    bool WantsMessages { get; }

    bool WantsCoreSteps { get; }

    /// <summary>Input neuron <paramref name="inputIndex"/> (of the input population) on <paramref name="core"/> spiked at <paramref name="step"/> (from 1).</summary>
    void OnInputSpike(int step, int inputIndex, int core, long timePs);

    /// <summary>Neuron <paramref name="neuron"/> (global index) spiked at <paramref name="step"/> (from 1); <paramref name="timePs"/>: when its core finished its update.</summary>
    void OnSpike(int step, int neuron, int core, long timePs);

    /// <summary>A graded spike of input <paramref name="inputIndex"/> with its payload (sigma-delta realization); by default recorded as a binary one.</summary>
    void OnGradedInput(int step, int inputIndex, int core, long timePs, int payload) => OnInputSpike(step, inputIndex, core, timePs);

    /// <summary>A graded spike of neuron <paramref name="neuron"/> with its payload (sigma-delta realization); by default recorded as a binary one.</summary>
    void OnGradedSpike(int step, int neuron, int core, long timePs, int payload) => OnSpike(step, neuron, core, timePs);

    void OnMessage(in MessageEvent message);

    void OnCoreStep(in CoreStepEvent step);

    void OnInferenceEnd(InferenceResult result);

    /// <summary>Neurons (global indices) whose state the engine reports every step through <see cref="OnProbe"/>; empty: none.</summary>
    IReadOnlyList<int> ProbedNeurons => [];

    /// <summary>
    /// Probed <paramref name="neuron"/> on <paramref name="core"/> after its update at <paramref name="step"/> (from 1): current,
    /// potential (after any reset) and threshold, in the run's arithmetic (integer chip units in fixed point).
    /// </summary>
    void OnProbe(int step, int neuron, int core, double u, double v, double threshold)
    {
    }
}
