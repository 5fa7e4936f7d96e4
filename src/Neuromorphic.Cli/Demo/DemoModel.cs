namespace Neuromorphic.Cli.Demo;

/// <summary>The trained HTS-EP model compiled into <c>neuro</c> for the offline demo.</summary>
internal static class DemoModel
{
    public static readonly string[] Files = ["demo-model.json", "demo-model.0.f32", "demo-model.1.f32"];

    /// <summary>Writes the model's files into <paramref name="directory"/> and returns the network file's path.</summary>
    public static string Extract(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Files)
        {
            using var resource = typeof(DemoModel).Assembly.GetManifestResourceStream($"Neuromorphic.Cli.Demo.{file}")
                ?? throw new InvalidOperationException($"the demo model's {file} is missing from this build");
            using var buffer = new MemoryStream();
            resource.CopyTo(buffer);
            Core.IO.AtomicFile.WriteAllBytes(Path.Combine(directory, file), buffer.ToArray());
        }

        return Path.Combine(directory, Files[0]);
    }
}
