using System.Globalization;
using System.Text.RegularExpressions;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.Networks;

namespace Neuromorphic.Workflows.Runs;

/// <summary>
/// Which neurons a run probes, from specs such as <c>hidden</c> (the whole population),
/// <c>hidden[7]</c> or <c>hidden[0..9]</c> (local indices, both ends included). Resolved to global
/// neuron indices, sorted and without repeats; errors name <see cref="RunRequest.Probes"/>.
/// </summary>
public static partial class ProbeSelection
{
    /// <summary>At most this many neurons per run: a probe records 40 bytes per neuron per step.</summary>
    public const int MaxNeurons = 4096;

    public static int[] Resolve(IReadOnlyList<string> specs, NetworkSpec network)
    {
        var neurons = new SortedSet<int>();
        foreach (var spec in specs)
        {
            var match = SpecPattern().Match(spec.Trim());
            var population = match.Success ? network.FindPopulation(match.Groups["name"].Value) : null;
            if (population is null)
            {
                throw Error(spec, $"POP, POP[i] or POP[a..b] with POP one of {string.Join(", ", network.Populations.Select(p => p.Name))}");
            }

            var (first, last) = (0, population.Size - 1);
            if (match.Groups["a"].Success)
            {
                first = int.Parse(match.Groups["a"].Value, CultureInfo.InvariantCulture);
                last = match.Groups["b"].Success ? int.Parse(match.Groups["b"].Value, CultureInfo.InvariantCulture) : first;
            }

            if (first > last || last >= population.Size)
            {
                throw Error(spec, $"indices within 0..{population.Size - 1} of population '{population.Name}', first ≤ last");
            }

            for (var i = first; i <= last; i++)
            {
                neurons.Add(population.FirstNeuron + i);
            }

            if (neurons.Count > MaxNeurons)
            {
                throw Error(spec, $"at most {MaxNeurons} probed neurons in all");
            }
        }

        return neurons.ToArray();
    }

    private static InvalidInputException Error(string spec, string expected) => new(null, nameof(RunRequest.Probes), spec, expected);

    [GeneratedRegex(@"^(?<name>[^\[\]]+?)(\[(?<a>\d{1,9})(\.\.(?<b>\d{1,9}))?\])?$")]
    private static partial Regex SpecPattern();
}
