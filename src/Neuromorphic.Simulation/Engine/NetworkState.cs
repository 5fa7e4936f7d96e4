using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// The mutable state of one inference, in slot order: u, v, refractory counters, the input
/// accumulators (this step's and next step's) and whether any synaptic event reached each slot
/// (SANA-FE counts a neuron that received one as updated, even when the weights sum to 0). One instance per worker, reset between inferences,
/// so steps allocate nothing.
/// </summary>
internal sealed class NetworkState
{
    public NetworkState(ChipInstance chip)
    {
        var n = chip.NeuronOfSlot.Length;
        U = new int[n];
        V = new int[n];
        UF = new float[n];
        VF = new float[n];
        Refractory = new int[n];
        InputNow = new int[n];
        InputNext = new int[n];
        InputNowF = new float[n];
        InputNextF = new float[n];
        ReceivedNow = new byte[n];
        ReceivedNext = new byte[n];
        SpikedAtStep = new int[n];
    }

    public int[] U { get; }
    public int[] V { get; }
    public float[] UF { get; }
    public float[] VF { get; }
    public int[] Refractory { get; }
    public int[] InputNow { get; private set; }
    public int[] InputNext { get; private set; }
    public float[] InputNowF { get; private set; }
    public float[] InputNextF { get; private set; }

    /// <summary>1 where at least one synapse delivered into the slot's accumulator (this step's / next step's).</summary>
    public byte[] ReceivedNow { get; private set; }

    public byte[] ReceivedNext { get; private set; }

    /// <summary>Last step at which each slot spiked (−1 never).</summary>
    public int[] SpikedAtStep { get; }

    public void Reset()
    {
        Array.Clear(U);
        Array.Clear(V);
        Array.Clear(UF);
        Array.Clear(VF);
        Array.Clear(Refractory);
        Array.Clear(InputNow);
        Array.Clear(InputNext);
        Array.Clear(InputNowF);
        Array.Clear(InputNextF);
        Array.Clear(ReceivedNow);
        Array.Clear(ReceivedNext);
        Array.Fill(SpikedAtStep, -1);
    }

    /// <summary>Next step's input becomes this step's; the new next-step buffer is the cleared old one.</summary>
    public void SwapInputs()
    {
        (InputNow, InputNext) = (InputNext, InputNow);
        (InputNowF, InputNextF) = (InputNextF, InputNowF);
        (ReceivedNow, ReceivedNext) = (ReceivedNext, ReceivedNow);
    }
}
