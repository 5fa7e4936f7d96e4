namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// A hook into the barrier engine's steps (barrier and handshake modes), for on-chip learning: it
/// may set the state an inference starts from, add current into this step's input accumulators
/// before the neuron pass, and read who fired after it. Nothing is called when no hook is given.
/// </summary>
internal interface IStepHook
{
    /// <summary>After the state is reset at the start of an inference: the hook may overwrite it (a saved phase state).</summary>
    void Begin(NetworkState state);

    /// <summary>Before the neuron pass of <paramref name="step"/>: the hook may add into <see cref="NetworkState.InputNow"/> / <see cref="NetworkState.InputNowF"/>.</summary>
    void BeforeStep(int step, NetworkState state);

    /// <summary>After every core's pass of <paramref name="step"/>: slots with <c>SpikedAtStep[s] == step</c> fired in it.</summary>
    void AfterStep(int step, NetworkState state);
}
