using System.Globalization;
using Neuromorphic.Chip;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// What the sigma-delta realization needs (src/Neuromorphic.Simulation/README.md, "Sigma-delta realization"): a chip
/// with graded spikes of at least 2 payload bits, and a network of EP rate neurons (its only non-input model).
/// Anything else is bad input, named by file, field and value (exit 2).
/// </summary>
public static class SigmaDeltaRequirements
{
    public static void Check(NetworkSpec network, string modelPath, ChipSpec chip)
    {
        if (!chip.Core.GradedSpikes)
        {
            throw new InvalidInputException(chip.Source, "$.core.gradedSpikes", "false", "a chip with graded spikes for --realization sigma-delta (e.g. loihi2-like)");
        }

        if (chip.Core.MessagePayloadBits < 2)
        {
            throw new InvalidInputException(chip.Source, "$.core.messagePayloadBits", chip.Core.MessagePayloadBits.ToString(CultureInfo.InvariantCulture),
                "at least 2 payload bits for --realization sigma-delta (a sign and a magnitude)");
        }

        foreach (var population in network.Populations)
        {
            if (population.Model is not (NeuronModel.Input or NeuronModel.EpRate))
            {
                var nir = modelPath.EndsWith(".nir", StringComparison.OrdinalIgnoreCase)
                    ? "; a NIR file holds the spiking realization's cuba-lif neurons, so run the ep-rate network file it was exported from"
                    : "";
                throw new InvalidInputException(modelPath, $"population '{population.Name}' model", Population.ModelName(population.Model),
                    $"\"ep-rate\" (the sigma-delta realization runs EP rate neurons; other models run with --realization spiking{nir})");
            }
        }
    }
}
