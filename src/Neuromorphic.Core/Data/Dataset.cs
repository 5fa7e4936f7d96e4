using System.Security.Cryptography;

namespace Neuromorphic.Core.Data;

/// <summary>A training and a test split of one image-classification dataset, and where it came from.</summary>
public sealed class Dataset
{
    private string? _contentHash;

    public Dataset(string name, string source, LabeledImages train, LabeledImages test, IReadOnlyList<string> classNames)
    {
        if (train.Rows != test.Rows || train.Columns != test.Columns)
        {
            throw new ArgumentException("training and test images differ in size");
        }

        Name = name;
        Source = source;
        Train = train;
        Test = test;
        ClassNames = classNames;
    }

    /// <summary>Short name: fashion-mnist, mnist, kmnist, or the directory name.</summary>
    public string Name { get; }

    /// <summary>Where the files were read from (a directory, or "embedded subset").</summary>
    public string Source { get; }

    public LabeledImages Train { get; }
    public LabeledImages Test { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public bool IsEmbedded => Source == DatasetCatalog.EmbeddedSource;
    public int Rows => Train.Rows;
    public int Columns => Train.Columns;
    public int PixelsPerImage => Train.PixelsPerImage;
    public int ClassCount => Train.ClassCount;

    /// <summary>SHA-256 (hex) of the decoded images and labels of both splits: identifies the data, not the files.</summary>
    public string ContentHash => _contentHash ??= ComputeHash();

    private string ComputeHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[12];
        foreach (var split in new[] { Train, Test })
        {
            BitConverter.TryWriteBytes(header[..4], split.Count);
            BitConverter.TryWriteBytes(header[4..8], split.Rows);
            BitConverter.TryWriteBytes(header[8..], split.Columns);
            sha.AppendData(header);
            sha.AppendData(split.Pixels);
            sha.AppendData(split.Labels);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
