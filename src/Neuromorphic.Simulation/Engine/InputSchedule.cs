using Neuromorphic.Simulation.Input;

namespace Neuromorphic.Simulation.Engine;

/// <summary>
/// The firing input neurons of one inference, step by step, as flat arrays of slots: the slots that
/// spike at step s are <c>Slots[StepStart[s] .. StepStart[s + 1])</c>, ascending. Steps are generated
/// on demand, in step order, one <see cref="InferenceInput.SpikesAt"/> call per step (never a call
/// per input and step), so cores that ask at their own pace (async mode) and early exit see exactly
/// what asking every input in step order gives. One instance per engine, reused by every inference:
/// once its arrays have grown to the longest inference, it allocates nothing.
/// </summary>
internal sealed class InputSchedule
{
    private readonly int[] _slotOfInput;
    private readonly int[] _inputSlotsBefore;
    private readonly int[] _inputRunEnd;
    private readonly bool _slotsAscending;
    private readonly int[] _firing;
    private int[] _stepStart = new int[128];
    private int[] _slots = new int[1024];
    private InferenceInput? _source;
    private int _generated;

    /// <param name="inputIndexOfSlot">Per slot, the index of its neuron in the input population (−1: not an input).</param>
    public InputSchedule(int[] inputIndexOfSlot)
    {
        var count = 0;
        _inputSlotsBefore = new int[inputIndexOfSlot.Length + 1];
        for (var s = 0; s < inputIndexOfSlot.Length; s++)
        {
            count = Math.Max(count, inputIndexOfSlot[s] + 1);
            _inputSlotsBefore[s + 1] = _inputSlotsBefore[s] + (inputIndexOfSlot[s] >= 0 ? 1 : 0);
        }

        _inputRunEnd = new int[inputIndexOfSlot.Length];
        for (var s = inputIndexOfSlot.Length - 1; s >= 0; s--)
        {
            _inputRunEnd[s] = inputIndexOfSlot[s] < 0 ? s : s + 1 < inputIndexOfSlot.Length ? _inputRunEnd[s + 1] : s + 1;
        }

        _slotOfInput = new int[count];
        for (var s = 0; s < inputIndexOfSlot.Length; s++)
        {
            if (inputIndexOfSlot[s] >= 0)
            {
                _slotOfInput[inputIndexOfSlot[s]] = s;
            }
        }

        _slotsAscending = true;
        for (var i = 1; i < count; i++)
        {
            _slotsAscending &= _slotOfInput[i] > _slotOfInput[i - 1];
        }

        _firing = new int[count];
    }

    /// <summary>Input neurons of the network.</summary>
    public int InputCount => _slotOfInput.Length;

    /// <summary>How many of the slots [<paramref name="first"/>, <paramref name="end"/>) hold input neurons.</summary>
    public int InputSlotsIn(int first, int end) => _inputSlotsBefore[end] - _inputSlotsBefore[first];

    /// <summary>For an input slot, the end of the contiguous run of input slots it starts (for any other slot, the slot itself).</summary>
    public ReadOnlySpan<int> InputRunEnd => _inputRunEnd;

    /// <summary>Starts an inference: nothing generated yet.</summary>
    public void Begin(InferenceInput source)
    {
        _source = source;
        _generated = 0;
        _stepStart[1] = 0;
    }

    /// <summary>The slots of the inputs that spike at <paramref name="step"/> (from 1), ascending.</summary>
    public ReadOnlySpan<int> SlotsAt(int step)
    {
        while (_generated < step)
        {
            Generate();
        }

        return _slots.AsSpan(_stepStart[step], _stepStart[step + 1] - _stepStart[step]);
    }

    private void Generate()
    {
        var step = ++_generated;
        if (step + 2 > _stepStart.Length)
        {
            Array.Resize(ref _stepStart, _stepStart.Length * 2);
        }

        var start = _stepStart[step];
        var count = _source!.SpikesAt(step, _slotOfInput.Length, _firing);
        if (start + count > _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(_slots.Length * 2, start + count));
        }

        var slots = _slots.AsSpan(start, count);
        for (var i = 0; i < count; i++)
        {
            slots[i] = _slotOfInput[_firing[i]];
        }

        if (!_slotsAscending)
        {
            slots.Sort();
        }

        _stepStart[step + 1] = start + count;
    }
}
