using Neuromorphic.Chip.Costs;

namespace Neuromorphic.Chip;

/// <summary>
/// A chip's on-chip learning engine (Loihi's learning phase, Davies et al. 2018): per-synapse
/// pre- and post-synaptic traces of <see cref="TraceBits"/> bits, a sum-of-products rule applied to
/// every plastic synapse at the end of a learning epoch of at most <see cref="MaxEpochSteps"/>
/// algorithmic steps, and the cost of each synaptic update and trace update. A chip without this
/// section has no learning engine and is refused by <c>neuro train --on-chip</c>.
/// </summary>
/// <param name="SynapticUpdate">One synapse's weight read, rule evaluation and write at an epoch's end.</param>
/// <param name="TraceUpdate">One trace's decay and impulse in one step.</param>
/// <param name="TraceBits">Width of a trace (unsigned integer, saturating).</param>
/// <param name="MaxEpochSteps">The longest learning epoch the chip supports, in algorithmic steps.</param>
/// <param name="Provenance">Where each figure comes from.</param>
public sealed record LearningSpec(EventCost SynapticUpdate, EventCost TraceUpdate, int TraceBits, int MaxEpochSteps, string Provenance);

/// <summary>The learning engine's costs as integers (fJ, ps), as <see cref="CostTable"/> holds the inference costs.</summary>
public sealed record LearningCosts(IntegerCost SynapticUpdate, IntegerCost TraceUpdate)
{
    public static LearningCosts From(LearningSpec learning, double energyScale = 1.0) =>
        new(IntegerCost.From(learning.SynapticUpdate, energyScale), IntegerCost.From(learning.TraceUpdate, energyScale));
}
