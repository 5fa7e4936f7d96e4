using Neuromorphic.Chip;
using Neuromorphic.Mapping;
using Neuromorphic.Simulation;
using Neuromorphic.Simulation.Engine;
using Neuromorphic.Simulation.Input;
using Neuromorphic.Simulation.Variability;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Simulation;

/// <summary>After warm-up an inference allocates its result and nothing else, in both engines.</summary>
public class EngineAllocationTests
{
    [Theory]
    [InlineData(SyncMode.Barrier, "detailed")]
    [InlineData(SyncMode.Barrier, "simple")]
    [InlineData(SyncMode.Async, "detailed")]
    [InlineData(SyncMode.Handshake, "detailed")]
    public void A_warm_inference_allocates_only_its_result(SyncMode mode, string timing)
    {
        var network = TestNetworks.EpLayered([64, 24, 10], seed: 5, weightScale: 3);
        var chip = ChipInstance.Create(new Mapper().Map(network, ChipLoader.Load("loihi1"), "test"), 1, false);
        var random = new Random(3);
        var events = Enumerable.Range(1, 60).SelectMany(step => Enumerable.Range(0, 64).Where(_ => random.NextDouble() < 0.3).Select(i => (step, i))).ToArray();
        var input = new EventInput(events);
        var options = new RunOptions
        {
            Steps = 60,
            Mode = mode,
            Timing = timing == "simple" ? Neuromorphic.Chip.Timing.TimingModel.Simple : Neuromorphic.Chip.Timing.TimingModel.Detailed,
            AsyncPeriodPs = mode == SyncMode.Async ? 50_000_000 : null,   // 50 µs: the run planner's job outside this test
        };
        var barrier = new BarrierEngine(chip);
        var async = new AsyncEngine(chip);
        InferenceResult Once() => mode != SyncMode.Async ? barrier.Run(0, input, options, null) : async.Run(0, input, options, null);

        var first = Once();
        Once();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = Once();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(first.Totals.SynapticOps > 10_000, $"the network must be busy: {first.Totals.SynapticOps} synaptic ops");
        Assert.Equal(first.Totals, again.Totals);
        // The result object and its output counts (10 ints): well under 512 bytes; a warm step allocates nothing.
        Assert.True(allocated < 512, $"a warm {mode} inference allocated {allocated} bytes");
    }
}
