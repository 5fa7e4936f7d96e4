using System.Buffers.Binary;
using System.IO.Compression;
using Neuromorphic.Core.Data;
using Neuromorphic.Core.Errors;
using Neuromorphic.Tests.Support;

namespace Neuromorphic.Tests.Core;

public class IdxDatasetTests
{
    private static byte[] Images(int count, int rows = 4, int cols = 3, uint magic = 0x803)
    {
        var data = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteUInt32BigEndian(data, magic);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(12), cols);
        for (var i = 16; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7);
        }

        return data;
    }

    private static byte[] Labels(params byte[] labels)
    {
        var data = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(data, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), labels.Length);
        labels.CopyTo(data, 8);
        return data;
    }

    private static void WriteDataset(string dir, byte[] trainImages, byte[] trainLabels, byte[]? testImages = null, byte[]? testLabels = null, bool gzip = false)
    {
        void Put(string name, byte[] bytes)
        {
            if (gzip)
            {
                using var file = File.Create(Path.Combine(dir, name + ".gz"));
                using var z = new GZipStream(file, CompressionLevel.Fastest);
                z.Write(bytes);
            }
            else
            {
                File.WriteAllBytes(Path.Combine(dir, name), bytes);
            }
        }

        Put("train-images-idx3-ubyte", trainImages);
        Put("train-labels-idx1-ubyte", trainLabels);
        Put("t10k-images-idx3-ubyte", testImages ?? Images(2));
        Put("t10k-labels-idx1-ubyte", testLabels ?? Labels(0, 1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_raw_and_gzipped_directories(bool gzip)
    {
        using var dir = new TempDirectory();
        WriteDataset(dir.Path, Images(3), Labels(1, 9, 0), gzip: gzip);
        var data = DatasetCatalog.Load(dir.Path);
        Assert.Equal(3, data.Train.Count);
        Assert.Equal(2, data.Test.Count);
        Assert.Equal((4, 3), (data.Rows, data.Columns));
        Assert.Equal(new byte[] { 1, 9, 0 }, data.Train.Labels);
        Assert.Equal((byte)(16 * 7), data.Train.Image(0)[0]);
        Assert.Equal(Path.GetFullPath(dir.Path), data.Source);
    }

    [Fact]
    public void Embedded_subset_has_2000_training_and_1000_test_images_balanced()
    {
        var data = DatasetCatalog.LoadEmbedded();
        Assert.True(data.IsEmbedded);
        Assert.Equal(2000, data.Train.Count);
        Assert.Equal(1000, data.Test.Count);
        Assert.All(data.Train.ClassCounts(), c => Assert.Equal(200, c));
        Assert.All(data.Test.ClassCounts(), c => Assert.Equal(100, c));
        Assert.Equal(784, data.PixelsPerImage);
    }

    [Fact]
    public void Missing_installation_falls_back_to_embedded_only_for_fashion_mnist()
    {
        using var empty = new TempDirectory();
        if (Directory.Exists("/usr/share/datasets/fashion-mnist"))
        {
            Assert.Equal(60_000, DatasetCatalog.Load("fashion-mnist", empty.Path).Train.Count);
        }
        else
        {
            Assert.True(DatasetCatalog.Load(null, empty.Path).IsEmbedded);
        }

        if (!Directory.Exists("/usr/share/datasets/kmnist"))
        {
            var ex = Assert.Throws<InvalidInputException>(() => DatasetCatalog.Load("kmnist", empty.Path));
            Assert.Contains("NEURO_DATA", ex.Message);
        }
    }

    [Fact]
    public void NEURO_DATA_directory_is_searched_first()
    {
        using var root = new TempDirectory();
        var dir = Directory.CreateDirectory(Path.Combine(root.Path, "mnist")).FullName;
        WriteDataset(dir, Images(5), Labels(0, 1, 2, 3, 4));
        var data = DatasetCatalog.Load("mnist", root.Path);
        Assert.Equal(5, data.Train.Count);
        Assert.Equal("mnist", data.Name);
    }

    public static TheoryData<string, string[]> BadDatasets => new()
    {
        { "truncated", ["train-images-idx3-ubyte", "truncated"] },
        { "magic", ["train-images-idx3-ubyte", "magic number", "0x00000804"] },
        { "count", ["train-labels-idx1-ubyte", "label count", "2"] },
        { "range", ["train-labels-idx1-ubyte", "label[1]", "12"] },
        { "labels-magic", ["train-labels-idx1-ubyte", "magic number"] },
    };

    [Theory]
    [MemberData(nameof(BadDatasets))]
    public void Bad_idx_files_give_exit_2_naming_file_and_problem(string problem, string[] expected)
    {
        using var dir = new TempDirectory();
        var images = Images(3);
        var labels = Labels(1, 2, 3);
        switch (problem)
        {
            case "truncated":
                images = images[..^5];
                break;
            case "magic":
                BinaryPrimitives.WriteUInt32BigEndian(images, 0x804);
                break;
            case "count":
                labels = Labels(1, 2);
                break;
            case "range":
                labels = Labels(1, 12, 3);
                break;
            case "labels-magic":
                BinaryPrimitives.WriteUInt32BigEndian(labels, 0x803);
                break;
        }

        WriteDataset(dir.Path, images, labels);
        var result = CliRunner.Run("data", "info", "--dataset", dir.Path);
        CliRunner.AssertBadInput(result, expected);
    }

    [Fact]
    public void Missing_directory_gives_exit_2()
    {
        var missing = Path.Combine(Path.GetTempPath(), "neuro-no-such-dir-" + Guid.NewGuid().ToString("N"));
        CliRunner.AssertBadInput(CliRunner.Run("data", "info", "--dataset", missing), missing, "does not exist");
    }

    [Fact]
    public void Missing_file_in_directory_gives_exit_2()
    {
        using var dir = new TempDirectory();
        WriteDataset(dir.Path, Images(3), Labels(1, 2, 3));
        File.Delete(Path.Combine(dir.Path, "t10k-labels-idx1-ubyte"));
        CliRunner.AssertBadInput(CliRunner.Run("data", "info", "--dataset", dir.Path), "t10k-labels-idx1-ubyte", "not found");
    }

    [Fact]
    public void Corrupt_gzip_gives_exit_2()
    {
        using var dir = new TempDirectory();
        WriteDataset(dir.Path, Images(3), Labels(1, 2, 3), gzip: true);
        var path = Path.Combine(dir.Path, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        CliRunner.AssertBadInput(CliRunner.Run("data", "info", "--dataset", dir.Path), "train-images-idx3-ubyte.gz");
    }
}
