namespace Neuromorphic.Tests.Support;

/// <summary>Finds the weight sidecars a network file was saved with (named after their content: stem.k.hash.f32).</summary>
public static class Sidecars
{
    /// <summary>The one sidecar of projection <paramref name="k"/> of <paramref name="networkFile"/> (the test fails if there is not exactly one).</summary>
    public static string Of(string networkFile, int k)
    {
        var stem = Path.GetFileNameWithoutExtension(networkFile);
        var matches = Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(networkFile))!, $"{stem}.{k}.*.f32")
            .Where(f => Path.GetFileName(f).Length == stem.Length + $".{k}.".Length + 16 + ".f32".Length).ToArray();
        Assert.True(matches.Length == 1, $"expected one sidecar {stem}.{k}.<hash>.f32 beside {networkFile}, found {matches.Length}: {string.Join(", ", matches.Select(Path.GetFileName))}");
        return matches[0];
    }
}
