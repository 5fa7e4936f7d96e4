using System.IO.Compression;
using Neuromorphic.Core.Errors;

namespace Neuromorphic.Core.Data;

/// <summary>
/// Finds and loads IDX datasets. A dataset is named by <c>--dataset</c>:
/// <list type="bullet">
/// <item><c>fashion-mnist</c>, <c>mnist</c> or <c>kmnist</c>: looked up in <c>$NEURO_DATA/&lt;name&gt;</c>,
/// then in <c>$NEURO_DATA</c> itself, then in Debian's <c>/usr/share/datasets/&lt;name&gt;</c>
/// (where <c>apt-get install dataset-fashion-mnist</c> puts Fashion-MNIST). Fashion-MNIST falls back to
/// the embedded subset when no full copy is installed.</item>
/// <item><c>embedded</c>: the subset compiled into this assembly (2,000 training and 1,000 test
/// images of Fashion-MNIST, 200 and 100 per class).</item>
/// <item>any other value: a directory holding the four IDX files.</item>
/// </list>
/// With no name, the default is <c>fashion-mnist</c>.
/// </summary>
public static class DatasetCatalog
{
    public const string EmbeddedSource = "embedded subset";
    public const string DataEnvironmentVariable = "NEURO_DATA";
    public const string DebianDatasetsRoot = "/usr/share/datasets";
    public const string DefaultName = "fashion-mnist";

    public static readonly IReadOnlyList<string> KnownNames = ["fashion-mnist", "mnist", "kmnist"];

    public static readonly IReadOnlyList<string> FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static readonly IReadOnlyList<string> DigitClasses = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private static readonly IReadOnlyList<string> KmnistClasses = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"];

    /// <summary>File names of the four IDX files, without the optional .gz.</summary>
    public static readonly (string TrainImages, string TrainLabels, string TestImages, string TestLabels) FileNames =
        ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /// <summary>Loads the dataset that <paramref name="spec"/> names (see the class summary).</summary>
    /// <param name="spec">The <c>--dataset</c> value, or null for the default.</param>
    /// <param name="dataDirectory">The value of NEURO_DATA (defaults to the environment variable).</param>
    public static Dataset Load(string? spec, string? dataDirectory = null)
    {
        dataDirectory ??= Environment.GetEnvironmentVariable(DataEnvironmentVariable);
        spec = string.IsNullOrWhiteSpace(spec) ? DefaultName : spec.Trim();

        if (spec.Equals("embedded", StringComparison.OrdinalIgnoreCase))
        {
            return LoadEmbedded();
        }

        var known = KnownNames.FirstOrDefault(n => n.Equals(spec, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            var candidates = Candidates(known, dataDirectory).ToList();
            var found = candidates.FirstOrDefault(HasIdxFiles);
            if (found is not null)
            {
                return LoadDirectory(found, known);
            }

            if (known == DefaultName)
            {
                return LoadEmbedded();
            }

            throw new InvalidInputException(null, "--dataset", known,
                $"an installed copy: no IDX files in {string.Join(", ", candidates)}; set {DataEnvironmentVariable} or pass --dataset DIR");
        }

        if (!Directory.Exists(spec))
        {
            throw new InvalidInputException(spec, "--dataset", spec,
                $"fashion-mnist, mnist, kmnist, embedded, or an existing directory of IDX files (the directory does not exist)");
        }

        return LoadDirectory(spec, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(spec))));
    }

    /// <summary>The 2,000 + 1,000 image Fashion-MNIST subset compiled into this assembly.</summary>
    public static Dataset LoadEmbedded()
    {
        var assembly = typeof(DatasetCatalog).Assembly;
        LabeledImages Split(string images, string labels)
        {
            var (dims, pixels) = ReadResource(images, 3);
            var (_, labelBytes) = ReadResource(labels, 1);
            return new LabeledImages(dims[1], dims[2], pixels, labelBytes, 10);
        }

        (int[] Dimensions, byte[] Data) ReadResource(string file, int dimensions)
        {
            var name = $"Neuromorphic.Core.Data.Embedded.{file}.gz";
            using var resource = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
            using var gzip = new GZipStream(resource, CompressionMode.Decompress);
            return IdxReader.Read(gzip, name, dimensions);
        }

        return new Dataset(
            "fashion-mnist",
            EmbeddedSource,
            Split(FileNames.TrainImages, FileNames.TrainLabels),
            Split(FileNames.TestImages, FileNames.TestLabels),
            FashionMnistClasses);
    }

    /// <summary>Loads the four IDX files (gzipped or not) from a directory.</summary>
    public static Dataset LoadDirectory(string directory, string name)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidInputException(directory, "--dataset", directory, "an existing directory of IDX files (the directory does not exist)");
        }

        var train = IdxReader.ReadPair(Locate(directory, FileNames.TrainImages), Locate(directory, FileNames.TrainLabels), 10);
        var test = IdxReader.ReadPair(Locate(directory, FileNames.TestImages), Locate(directory, FileNames.TestLabels), 10);
        if (train.Rows != test.Rows || train.Columns != test.Columns)
        {
            throw new InvalidInputException(Locate(directory, FileNames.TestImages), "image size", $"{test.Rows}×{test.Columns}",
                $"{train.Rows}×{train.Columns}, the size of the training images");
        }

        var classes = name.ToLowerInvariant() switch
        {
            "fashion-mnist" => FashionMnistClasses,
            "kmnist" => KmnistClasses,
            _ => DigitClasses,
        };
        return new Dataset(name, Path.GetFullPath(directory), train, test, classes);
    }

    private static IEnumerable<string> Candidates(string name, string? dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(dataDirectory))
        {
            yield return Path.Combine(dataDirectory, name);
            yield return dataDirectory;
        }

        yield return Path.Combine(DebianDatasetsRoot, name);
    }

    private static bool HasIdxFiles(string directory) =>
        Directory.Exists(directory) && TryLocate(directory, FileNames.TrainImages) is not null && TryLocate(directory, FileNames.TestImages) is not null;

    private static string Locate(string directory, string baseName) =>
        TryLocate(directory, baseName) ?? throw new InvalidInputException(Path.Combine(directory, baseName), null, null,
            $"the IDX file {baseName} or {baseName}.gz in {directory} (not found)");

    private static string? TryLocate(string directory, string baseName)
    {
        // MNIST mirrors also use a dot before idx: train-images.idx3-ubyte.
        var dotted = baseName.Replace("-idx", ".idx", StringComparison.Ordinal);
        foreach (var candidate in new[] { baseName, baseName + ".gz", dotted, dotted + ".gz" })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
