using Neuromorphic.Chip;
using Neuromorphic.Chip.Costs;
using Neuromorphic.Chip.Timing;
using Neuromorphic.Core.Units;

namespace Neuromorphic.Tests.Chip;

/// <summary>
/// The detailed timing model's retirement of messages in flight (one heap entry per destination,
/// each FIFO's due prefix at once) against <c>RetireReference</c> (every due message popped, then a
/// stable sort by destination rank): the same step durations, message timestamps and generation ends,
/// to the picosecond, on random steps with congestion and blocking.
/// </summary>
public class RetireOrderTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(8, 3)]
    public void Retiring_by_destination_prefix_equals_the_reference_on_random_steps(int linkBuffer, int seed)
    {
        var random = new Random(seed);
        var costs = CostTable.FromChip(ChipLoader.Load("loihi1-calibrated"), 9) with { LinkBufferMessages = linkBuffer };
        const int width = 3, height = 3, cores = 14;
        var tiles = Enumerable.Range(0, cores).Select(_ => new TileId(random.Next(width), random.Next(height))).ToArray();
        var slots = Enumerable.Range(0, cores).Select(_ => random.Next(4)).ToArray();
        var fast = new BarrierStepTiming(tiles, width, height, slots);
        var reference = new BarrierStepTiming(tiles, width, height, slots) { UseReferenceRetire = true };

        for (var step = 0; step < 200; step++)
        {
            fast.Reset();
            reference.Reset();
            var density = random.Next(1, 12);
            for (var core = 0; core < cores; core++)
            {
                var counters = new CoreStepCounters { NeuronsAccessed = random.Next(40), NeuronsUpdated = random.Next(30), NeuronsFired = random.Next(20) };
                var messages = random.Next(3) == 0 ? 0 : random.Next(density * 4);
                for (var k = 0; k < messages; k++)
                {
                    var destination = random.Next(cores);
                    var (dx, dy) = (tiles[destination].X - tiles[core].X, tiles[destination].Y - tiles[core].Y);
                    var synapses = random.Next(1, 60);
                    // A firing neuron's later messages carry no work of their own; ties in send time are common.
                    var (accessed, updated, fired) = random.Next(3) == 0 ? (0, 0, 0) : (random.Next(3), random.Next(3), random.Next(2));
                    foreach (var timing in (BarrierStepTiming[])[fast, reference])
                    {
                        timing.AddMessage(core, destination, synapses, Math.Max(dx, 0), Math.Max(-dx, 0), Math.Max(dy, 0), Math.Max(-dy, 0), accessed, updated, fired);
                    }

                    counters.MessagesOut++;
                }

                fast.SetCoreWork(core, counters);
                reference.SetCoreWork(core, counters);
            }

            Assert.Equal(reference.Compute(costs), fast.Compute(costs));
            Assert.Equal(reference.Messages.ToArray(), fast.Messages.ToArray());
            for (var core = 0; core < cores; core++)
            {
                Assert.Equal(reference.GenerationEndPs(core), fast.GenerationEndPs(core));
            }
        }
    }
}
