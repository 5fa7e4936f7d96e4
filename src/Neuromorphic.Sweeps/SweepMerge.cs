using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Sweeps.Results;
using Neuromorphic.Sweeps.Store;

namespace Neuromorphic.Sweeps;

/// <summary>
/// <c>neuro sweep merge DIR… --out DIR</c>: gathers the results of the shards of one sweep into one
/// folder and writes the merged tables. The folders must hold the same plan; a job found in
/// several folders must have the same bytes in each.
/// </summary>
public static class SweepMerge
{
    public static (SweepTables Tables, IReadOnlyList<string> Files, int Jobs) Merge(IReadOnlyList<string> sources, string destination)
    {
        if (sources.Count == 0)
        {
            throw new InvalidInputException(null, "DIR", null, "at least one sweep folder to merge");
        }

        var folders = sources.Select(s => new SweepDirectory(s)).ToList();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder.Path))
            {
                throw new InvalidInputException(folder.Path, null, null, "an existing sweep folder (the folder does not exist)");
            }
        }

        var plans = folders.Select(f => f.LoadPlan()).ToList();
        for (var i = 1; i < plans.Count; i++)
        {
            if (plans[i].SpecHash != plans[0].SpecHash || plans[i].Jobs.Count != plans[0].Jobs.Count)
            {
                throw new InvalidInputException(Path.Combine(folders[i].Path, SweepDirectory.PlanFile), "$.specHash", Hashing.Short(plans[i].SpecHash),
                    $"{Hashing.Short(plans[0].SpecHash)}, the sweep of {folders[0].Path} (only shards of one sweep merge)");
            }
        }

        var target = new SweepDirectory(destination);
        var plan = plans[0];
        Directory.CreateDirectory(target.JobsDirectory);
        AtomicFile.WriteAllText(Path.Combine(target.Path, SweepDirectory.PlanFile), File.ReadAllText(Path.Combine(folders[0].Path, SweepDirectory.PlanFile)));
        var merged = 0;
        foreach (var job in plan.Jobs)
        {
            var found = folders.Where(f => f.IsFinished(job)).ToList();
            if (found.Count == 0)
            {
                continue;
            }

            var bytes = File.ReadAllBytes(found[0].ResultPath(job.Name));
            foreach (var other in found.Skip(1))
            {
                if (!File.ReadAllBytes(other.ResultPath(job.Name)).AsSpan().SequenceEqual(bytes))
                {
                    throw new InvalidInputException(other.ResultPath(job.Name), null, null,
                        $"the same bytes as {found[0].ResultPath(job.Name)} (one job, two different results: were the shards run by different neuro versions or on different datasets?)");
                }
            }

            merged++;
            if (found[0].Path == target.Path)
            {
                continue;
            }

            var files = found[0].FilesPath(job.Name);
            if (Directory.Exists(files))
            {
                foreach (var file in Directory.GetFiles(files, "*", SearchOption.AllDirectories))
                {
                    AtomicFile.WriteAllBytes(Path.Combine(target.FilesPath(job.Name), Path.GetRelativePath(files, file)), File.ReadAllBytes(file));
                }
            }

            AtomicFile.WriteAllBytes(target.ResultPath(job.Name), bytes);
        }

        var tables = SweepTables.Read(plan, target);
        return (tables, tables.Write(target.Path), merged);
    }
}
