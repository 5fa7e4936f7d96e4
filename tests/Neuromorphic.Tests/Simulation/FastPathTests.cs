using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Core.Networks;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Engine;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Simulation;

/// <summary>
/// The engine's specialized paths against their scalar references, on random inputs: the input
/// schedule (one <see cref="InferenceInput.SpikesAt"/> per step) against asking every input with
/// <see cref="InferenceInput.Spike"/>, and the specialized neuron pass (<see cref="CoreUpdate.Run"/>)
/// against <see cref="CoreUpdate.RunReference"/>: state, counters and fired lists bit-identical.
/// </summary>
public class FastPathTests
{
    /// <summary>Inputs and compartments on one core (the mixed path), and a second core of compartments only.</summary>
    private const string MixedCore = """
        { "schema": "neuromorphic.network/1", "name": "mixed",
          "populations": [
            { "name": "in",  "size": 6, "model": "input", "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "hid", "size": 5, "model": "cuba-lif", "params": { "tauCurrent": 2, "tauVoltage": 4, "threshold": 1, "refractory": 2 },
              "placement": { "tile": [0, 0], "core": 0 } },
            { "name": "out", "size": 3, "model": "cuba-lif", "params": { "tauCurrent": 1, "tauVoltage": null, "threshold": 1 },
              "placement": { "tile": [1, 0], "core": 0 } } ],
          "projections": [
            { "from": "in", "to": "hid", "weights": IN_HID },
            { "from": "hid", "to": "out", "weights": HID_OUT } ],
          "readout": { "population": "out" } }
        """;

    private static ChipInstance Instance(NetworkSpec network, string chip, bool ideal) =>
        ChipInstance.Create(new Mapper().Map(network, ChipLoader.Load(chip), "test"), 1, ideal);

    public static TheoryData<string, bool> Chips => new() { { "loihi1", false }, { "loihi1", true }, { "analog-mismatch", false } };

    [Theory]
    [MemberData(nameof(Chips))]
    public void Specialized_neuron_pass_is_bit_identical_to_the_reference_on_random_states(string chipName, bool ideal)
    {
        var layered = Instance(TestNetworks.EpLayered([40, 24, 10], seed: 3, weightScale: 3), chipName, ideal);
        CompareOverSteps(layered, seed: 11);

        var mixed = Instance(NetworkFile.Parse(MixedCore.Replace("IN_HID", RandomWeights(6, 5)).Replace("HID_OUT", RandomWeights(5, 3)), "mixed.json", "."), chipName, ideal);
        Assert.Contains(Enumerable.Range(0, mixed.CoreCount), c =>
            Enumerable.Range(mixed.Mapped.CoreNeuronStart[c], mixed.Mapped.CoreNeuronStart[c + 1] - mixed.Mapped.CoreNeuronStart[c]).Select(s => mixed.IsInput[s]).Distinct().Count() == 2);
        CompareOverSteps(mixed, seed: 12);
    }

    private static string RandomWeights(int from, int to)
    {
        var random = new Random(from * 31 + to);
        return "[" + string.Join(",", Enumerable.Range(0, to).Select(_ => "[" + string.Join(",", Enumerable.Range(0, from).Select(_ => (random.NextDouble() * 2 - 0.5).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))) + "]")) + "]";
    }

    private static void CompareOverSteps(ChipInstance chip, int seed)
    {
        var random = new Random(seed);
        var n = chip.NeuronOfSlot.Length;
        var inputIndex = BarrierEngine.InputIndices(chip);
        var inputCount = inputIndex.Max() + 1;
        var events = new List<(int, int)>();
        const int steps = 40;
        for (var step = 1; step <= steps; step++)
        {
            for (var i = 0; i < inputCount; i++)
            {
                if (random.NextDouble() < 0.3)
                {
                    events.Add((step, i));
                }
            }
        }

        var schedule = new InputSchedule(inputIndex);
        schedule.Begin(new EventInput(events));
        var reference = new EventInput(events);
        NetworkState fast = new(chip), slow = new(chip);
        fast.Reset();
        slow.Reset();
        var fastFired = new FiredList(n);
        var slowFired = new FiredList(n);
        for (var step = 1; step <= steps; step++)
        {
            // Random charge, refractory state and accumulated input, the same on both sides.
            for (var s = 0; s < n; s++)
            {
                var v = random.Next(4) == 0 ? 0 : random.Next(-(1 << 20), 1 << 21);
                var u = random.Next(-(1 << 20), 1 << 21);
                var refractory = random.Next(5) == 0 ? random.Next(3) : 0;
                var input = random.Next(3) == 0 ? 0 : random.Next(-(1 << 18), 1 << 19);
                var received = (byte)(random.Next(3) == 0 ? 1 : 0);
                (fast.V[s], slow.V[s], fast.U[s], slow.U[s]) = (v, v, u, u);
                (fast.VF[s], slow.VF[s], fast.UF[s], slow.UF[s]) = (v / 1e6f, v / 1e6f, u / 1e6f, u / 1e6f);
                (fast.Refractory[s], slow.Refractory[s]) = (refractory, refractory);
                (fast.InputNow[s], slow.InputNow[s], fast.InputNowF[s], slow.InputNowF[s]) = (input, input, input / 1e6f, input / 1e6f);
                (fast.ReceivedNow[s], slow.ReceivedNow[s]) = (received, received);
            }

            for (var core = 0; core < chip.CoreCount; core++)
            {
                int first = chip.Mapped.CoreNeuronStart[core], end = chip.Mapped.CoreNeuronStart[core + 1];
                CoreStepCounters a = new() { NeuronsAccessed = 7, NeuronsUpdated = 3 }, b = a;
                CoreUpdate.Run(chip, fast, first, end, step, schedule, fast.InputNow, fast.InputNowF, fast.ReceivedNow, ref a, fastFired);
                CoreUpdate.RunReference(chip, slow, first, end, step, reference, inputIndex, slow.InputNow, slow.InputNowF, slow.ReceivedNow, ref b, slowFired);
                Assert.Equal(b, a);
                Assert.Equal(slowFired.Count, fastFired.Count);
                for (var f = 0; f < slowFired.Count; f++)
                {
                    Assert.Equal((slowFired.Slots[f], slowFired.Accessed[f], slowFired.Updated[f], slowFired.Fired[f]),
                        (fastFired.Slots[f], fastFired.Accessed[f], fastFired.Updated[f], fastFired.Fired[f]));
                }
            }

            Assert.Equal(slow.U, fast.U);
            Assert.Equal(slow.V, fast.V);
            Assert.Equal(slow.UF, fast.UF);
            Assert.Equal(slow.VF, fast.VF);
            Assert.Equal(slow.Refractory, fast.Refractory);
            Assert.Equal(slow.InputNow, fast.InputNow);
            Assert.Equal(slow.InputNowF, fast.InputNowF);
            Assert.Equal(slow.ReceivedNow, fast.ReceivedNow);
            Assert.Equal(slow.SpikedAtStep, fast.SpikedAtStep);
        }
    }

    [Fact]
    public void Spikes_of_a_step_equal_asking_every_input_for_each_kind_of_input()
    {
        var random = new Random(5);
        var pixels = Enumerable.Range(0, 97).Select(i => (byte)(i % 7 == 0 ? 0 : i % 11 == 0 ? 255 : random.Next(256))).ToArray();
        var events = Enumerable.Range(0, 400).Select(_ => (random.Next(-2, 60), random.Next(-3, 110))).ToList();
        events.AddRange(events.Take(50));    // repeated events count once
        var kinds = new (Func<InferenceInput> Make, string Name)[]
        {
            (() => InferenceInput.FromImage(pixels, 1, InputEncoding.SigmaDelta, 3, 4), "sigma-delta"),
            (() => InferenceInput.FromImage(pixels, 1, InputEncoding.Bernoulli, 3, 4), "bernoulli"),
            (() => new EventInput(events), "events"),
        };
        foreach (var (make, name) in kinds)
        {
            var count = name == "events" ? 100 : pixels.Length;
            InferenceInput fast = make(), slow = make();
            var buffer = new int[count];
            for (var step = 1; step <= 60; step++)
            {
                var expected = Enumerable.Range(0, count).Where(i => slow.Spike(i, step)).ToArray();
                var got = buffer.AsSpan(0, fast.SpikesAt(step, count, buffer)).ToArray();
                Assert.True(expected.SequenceEqual(got), $"{name}, step {step}");
            }
        }

        Assert.Equal(events.Distinct().Count(), new EventInput(events).EventCount);
    }

    [Fact]
    public void Schedule_maps_inputs_to_slots_in_slot_order_and_serves_steps_asked_out_of_order()
    {
        // Slots 5, 2, 9 hold inputs 0, 1, 2 (not ascending: the schedule sorts each step).
        var inputIndexOfSlot = Enumerable.Repeat(-1, 12).ToArray();
        (inputIndexOfSlot[5], inputIndexOfSlot[2], inputIndexOfSlot[9]) = (0, 1, 2);
        var schedule = new InputSchedule(inputIndexOfSlot);
        schedule.Begin(new EventInput([(1, 0), (1, 1), (1, 2), (3, 2), (3, 0), (7, 1)]));
        Assert.Equal([5, 9], schedule.SlotsAt(3).ToArray());
        Assert.Equal([2, 5, 9], schedule.SlotsAt(1).ToArray());
        Assert.Empty(schedule.SlotsAt(2).ToArray());
        Assert.Equal([2], schedule.SlotsAt(7).ToArray());
        Assert.Equal(3, schedule.InputSlotsIn(0, 12));
        Assert.Equal(1, schedule.InputSlotsIn(3, 9));
        Assert.Equal([0, 1, 3, 3, 4, 6, 6, 7, 8, 10, 10, 11], schedule.InputRunEnd.ToArray());
        schedule.Begin(new EventInput([(2, 2)]));
        Assert.Empty(schedule.SlotsAt(1).ToArray());
        Assert.Equal([9], schedule.SlotsAt(2).ToArray());
    }
}
