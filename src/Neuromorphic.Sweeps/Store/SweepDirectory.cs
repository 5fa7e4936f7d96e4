using System.Text.Json.Nodes;
using Neuromorphic.Core.Errors;
using Neuromorphic.Core.IO;
using Neuromorphic.Sweeps.Execution;
using Neuromorphic.Sweeps.Inputs;
using Neuromorphic.Sweeps.Planning;

namespace Neuromorphic.Sweeps.Store;

/// <summary>
/// The results folder of a sweep: <c>sweep.json</c> (the plan), <c>jobs/&lt;job&gt;.json</c> (one result
/// per finished job) and <c>jobs/&lt;job&gt;/</c> (files a job wrote: a trained model). Every file is
/// written atomically and a job's folder before its result, so a result file means a whole job:
/// a re-run skips the jobs that have one, and a job that was interrupted leaves none.
/// </summary>
public sealed class SweepDirectory
{
    public const string PlanFile = "sweep.json";

    private readonly Lock _gate = new();

    public SweepDirectory(string path)
    {
        if (File.Exists(path))
        {
            throw new InvalidInputException(null, "--out", path, "a directory for the results (it is a file)");
        }

        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string JobsDirectory => System.IO.Path.Combine(Path, "jobs");

    /// <summary>Training checkpoints of unfinished jobs (in-process).</summary>
    public string WorkDirectory => System.IO.Path.Combine(Path, ".work");

    public string ResultPath(string jobName) => System.IO.Path.Combine(JobsDirectory, jobName + ".json");

    public string FilesPath(string jobName) => System.IO.Path.Combine(JobsDirectory, jobName);

    /// <summary>Creates the folder and writes the plan.</summary>
    public void Prepare(SweepPlan plan)
    {
        Directory.CreateDirectory(JobsDirectory);
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, PlanFile), JsonText.Format(plan.ToJson()));
    }

    /// <summary>The plan stored in this folder; a folder without one is bad input naming it.</summary>
    public SweepPlan LoadPlan()
    {
        var file = System.IO.Path.Combine(Path, PlanFile);
        if (!File.Exists(file))
        {
            throw new InvalidInputException(Path, null, null, $"a folder written by neuro sweep (it has no {PlanFile})");
        }

        return SweepPlan.Load(file);
    }

    /// <summary>True when the job has its result here (a result of that very job).</summary>
    public bool IsFinished(SweepJob job) => ReadResult(job) is not null;

    /// <summary>The result of <paramref name="job"/>, or null when it has none (or one of another job).</summary>
    public JsonObject? ReadResult(SweepJob job)
    {
        var path = ResultPath(job.Name);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            return json?["id"]?.GetValue<string>() == job.Id ? json : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Stores a job's output: its files, then its result.</summary>
    public void Write(JobOutput output)
    {
        lock (_gate)
        {
            foreach (var file in output.Files)
            {
                AtomicFile.WriteAllBytes(System.IO.Path.Combine(FilesPath(output.Name), InputBundle.CheckRelative(file.Path)), file.Bytes);
            }

            AtomicFile.WriteAllBytes(ResultPath(output.Name), output.Result);
        }
    }

    /// <summary>
    /// The model a finished training job wrote, as an input bundle whose bytes <paramref name="inputs"/>
    /// serves; null (with the reason) when the job has no result or no model (it diverged).
    /// </summary>
    public (InputBundle? Bundle, string? Reason) Model(SweepJob trainJob, LocalInputs inputs)
    {
        if (ReadResult(trainJob) is not { } result)
        {
            return (null, $"its training job {trainJob.Name} has not finished");
        }

        if (result["model"] is not JsonObject model)
        {
            return (null, $"its training job {trainJob.Name} diverged in epoch {result["divergedInEpoch"]}: no model to run");
        }

        var bundle = InputBundle.FromJson(model);
        var files = bundle.Files.Select(f => (f.Path, File.ReadAllBytes(System.IO.Path.Combine(FilesPath(trainJob.Name), f.Path)))).ToList();
        var again = inputs.Add(bundle.Main, files);
        return again.Hash == bundle.Hash ? (again, null) : (null, $"the model files of training job {trainJob.Name} changed since it finished");
    }
}
