using Neuromorphic.Simulation;

namespace Neuromorphic.Tests.Support;

/// <summary>Records the spikes of one inference as (step, neuron), input spikes as (step, −1 − input index).</summary>
public sealed class SpikeLog : ISimulationObserver
{
    public List<(int Step, int Neuron)> Spikes { get; } = [];
    public bool WantsInputs => true;
    public bool WantsSpikes => true;
    public bool WantsMessages => false;
    public bool WantsCoreSteps => true;

    /// <summary>The longest core step seen (end − start), ps.</summary>
    public long LongestStepPs { get; private set; }

    public void OnInputSpike(int step, int inputIndex, int core, long timePs) => Spikes.Add((step, -1 - inputIndex));
    public void OnSpike(int step, int neuron, int core, long timePs) => Spikes.Add((step, neuron));
    public void OnMessage(in MessageEvent message) { }
    public void OnCoreStep(in CoreStepEvent step) => LongestStepPs = Math.Max(LongestStepPs, step.EndPs - step.StartPs);
    public void OnInferenceEnd(InferenceResult result) { }
}
