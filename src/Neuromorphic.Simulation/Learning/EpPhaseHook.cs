using Neuromorphic.Simulation.Engine;
using Neuromorphic.Simulation.Variability;

namespace Neuromorphic.Simulation.Learning;

/// <summary>
/// What on-chip EP adds to the barrier engine's steps: the traces (updated after every step), the
/// output nudge in the nudged phases, and the saved end-of-free-phase state both nudged phases
/// start from. The nudge is the current β·(y − s) into each output compartment, scaled by its dt as
/// every input of an HTS-EP neuron is: a bias β·y (set by the host per sample and phase) and a
/// self-synapse of weight −β on the neuron's own spikes, so s is the output's spike of the previous
/// step (the same one-step delay as every synapse). Each self-synapse event is counted as a synaptic op.
/// </summary>
internal sealed class EpPhaseHook : IStepHook
{
    private readonly ChipInstance _chip;
    private readonly LearningTraces _traces;
    private readonly int[] _outputSlots;
    private readonly double[] _outputScale;
    private readonly bool[] _lastSpiked;
    private readonly double[] _target;
    private readonly PhaseSnapshot _snapshot;
    private ulong _key;
    private double _nudge;
    private bool _restore;
    private int _captureAt;

    public EpPhaseHook(ChipInstance chip, LearningTraces traces, int[] outputSlots, double[] outputScale)
    {
        _chip = chip;
        _traces = traces;
        _outputSlots = outputSlots;
        _outputScale = outputScale;
        _lastSpiked = new bool[outputSlots.Length];
        _target = new double[outputSlots.Length];
        _snapshot = new PhaseSnapshot(chip.NeuronOfSlot.Length, outputSlots.Length);
    }

    /// <summary>Self-synapse events of the nudge in the phases run since the last <see cref="TakeNudgeOps"/>.</summary>
    private long _nudgeOps;

    /// <summary>The free phase: from rest, traces cleared, no nudge; the state at <paramref name="freeSteps"/> is saved.</summary>
    public void PrepareFree(int label, int freeSteps, ulong key)
    {
        Array.Clear(_target);
        if (label >= 0 && label < _target.Length)
        {
            _target[label] = 1;
        }

        _restore = false;
        _nudge = 0;
        _captureAt = freeSteps;
        _key = key;
    }

    /// <summary>A nudged phase with β·<paramref name="signedBeta"/>, from the saved free-phase state.</summary>
    public void PrepareNudged(double signedBeta, ulong key)
    {
        _restore = true;
        _nudge = signedBeta;
        _captureAt = -1;
        _key = key;
    }

    public long TakeNudgeOps()
    {
        var ops = _nudgeOps;
        _nudgeOps = 0;
        return ops;
    }

    public void Begin(NetworkState state)
    {
        if (_restore)
        {
            _snapshot.RestoreInto(state, _traces, _lastSpiked);
        }
        else
        {
            _traces.Reset();
            Array.Clear(_lastSpiked);
        }
    }

    public void BeforeStep(int step, NetworkState state)
    {
        if (_nudge == 0)
        {
            return;
        }

        for (var o = 0; o < _outputSlots.Length; o++)
        {
            var s = _outputSlots[o];
            var spiked = _lastSpiked[o];
            var current = _nudge * _outputScale[o] * (_target[o] - (spiked ? 1 : 0));
            if (spiked)
            {
                _nudgeOps++;
            }

            if (_chip.FixedPoint)
            {
                state.InputNow[s] += (int)Math.Round(current * _chip.UnitsPerFloat[s], MidpointRounding.AwayFromZero);
            }
            else
            {
                state.InputNowF[s] += (float)current;
            }

            state.ReceivedNow[s] = 1;
        }
    }

    public void AfterStep(int step, NetworkState state)
    {
        _traces.Step(state.SpikedAtStep, step, _key);
        for (var o = 0; o < _outputSlots.Length; o++)
        {
            _lastSpiked[o] = state.SpikedAtStep[_outputSlots[o]] == step;
        }

        if (step == _captureAt)
        {
            _snapshot.Capture(state, _traces, _lastSpiked);
        }
    }

    /// <summary>The compartment state, pending synaptic input, traces and last output spikes at the end of the free phase.</summary>
    private sealed class PhaseSnapshot(int slots, int outputs)
    {
        private readonly int[] _u = new int[slots], _v = new int[slots], _refractory = new int[slots], _pending = new int[slots];
        private readonly float[] _uf = new float[slots], _vf = new float[slots], _pendingF = new float[slots];
        private readonly byte[] _received = new byte[slots];
        private readonly int[] _pre = new int[slots], _post = new int[slots];
        private readonly bool[] _lastSpiked = new bool[outputs];

        /// <summary>Called after a step's neuron pass, before the engine swaps its input buffers: the next step's input is pending.</summary>
        public void Capture(NetworkState state, LearningTraces traces, bool[] lastSpiked)
        {
            state.U.CopyTo(_u, 0);
            state.V.CopyTo(_v, 0);
            state.UF.CopyTo(_uf, 0);
            state.VF.CopyTo(_vf, 0);
            state.Refractory.CopyTo(_refractory, 0);
            state.InputNext.CopyTo(_pending, 0);
            state.InputNextF.CopyTo(_pendingF, 0);
            state.ReceivedNext.CopyTo(_received, 0);
            traces.Pre.CopyTo(_pre, 0);
            traces.Post.CopyTo(_post, 0);
            lastSpiked.CopyTo(_lastSpiked, 0);
        }

        /// <summary>Called on a freshly reset state at the start of an inference: the saved pending input becomes step 1's.</summary>
        public void RestoreInto(NetworkState state, LearningTraces traces, bool[] lastSpiked)
        {
            _u.CopyTo(state.U, 0);
            _v.CopyTo(state.V, 0);
            _uf.CopyTo(state.UF, 0);
            _vf.CopyTo(state.VF, 0);
            _refractory.CopyTo(state.Refractory, 0);
            _pending.CopyTo(state.InputNow, 0);
            _pendingF.CopyTo(state.InputNowF, 0);
            _received.CopyTo(state.ReceivedNow, 0);
            _pre.CopyTo(traces.Pre, 0);
            _post.CopyTo(traces.Post, 0);
            _lastSpiked.CopyTo(lastSpiked, 0);
        }
    }
}
