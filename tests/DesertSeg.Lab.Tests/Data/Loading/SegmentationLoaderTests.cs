using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Augmentation;
using DesertSeg.Lab.Data.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Data.Loading;

/// <summary>A small Falcon-layout training split written once for all loader tests (the tests only read it).</summary>
public sealed class LoaderFixture : IDisposable
{
    public const int Samples = 10, SourceWidth = 192, SourceHeight = 108, Height = 64, Width = 112;

    public LoaderFixture()
    {
        for (int i = 0; i < Samples; i++)
        {
            // Sky over Landscape over Ground Clutter: clutter is ignored by the 7-class scheme.
            var (image, mask) = FalconFixture.Sample(SourceWidth, SourceHeight, i, 10000, 7100, 550);
            FalconFixture.WritePair(FalconFixture.TrainFolder(Folder.Path), $"cc{i:D7}", image, mask);
        }
        Split = FalconDataset.Open(Folder.Path)["train"];
    }

    public TempFolder Folder { get; } = new("loader");
    public DataSplit Split { get; }

    public SegmentationDataset Dataset(AugmentationPreset preset, ClassScheme? scheme = null) =>
        new(Split, scheme ?? ClassScheme.SevenClass, new AugmentationPipeline(preset, Height, Width));

    public void Dispose() => Folder.Dispose();
}

public class SegmentationLoaderTests(LoaderFixture data) : IClassFixture<LoaderFixture>
{
    private static List<Batch> Collect(SegmentationLoader loader, int epoch) => loader.Epoch(epoch).ToList();

    [Fact]
    public void Same_seed_epoch_and_index_give_identical_batches_with_0_1_and_2_workers()
    {
        var dataset = data.Dataset(AugmentationPreset.Table3);
        var runs = new[] { 0, 1, 2 }
            .Select(w => Collect(new SegmentationLoader(dataset, new LoaderOptions(BatchSize: 3, Seed: 7, Workers: w)), 2))
            .ToList();
        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(runs[0].Count, run.Count);
            for (int b = 0; b < run.Count; b++)
            {
                Assert.Equal(runs[0][b].SampleIndices, run[b].SampleIndices);
                Assert.Equal(runs[0][b].Images, run[b].Images);
                Assert.Equal(runs[0][b].Masks, run[b].Masks);
            }
        }

        // And the tensors the trainer gets are the same too.
        using var scope = NewDisposeScope();
        var first = runs[0][0].ToTensors();
        var third = runs[2][0].ToTensors();
        Assert.True(first.Images.eq(third.Images).all().item<bool>());
        Assert.True(first.Masks.eq(third.Masks).all().item<bool>());
    }

    [Fact]
    public void A_sample_is_augmented_the_same_whatever_batch_or_order_it_lands_in()
    {
        var dataset = data.Dataset(AugmentationPreset.Table3);
        var batch = Collect(new SegmentationLoader(dataset, new LoaderOptions(BatchSize: 4, Seed: 7, Workers: 2)), 1)[0];
        var alone = dataset.Load(batch.SampleIndices[1], seed: 7, epoch: 1);
        Assert.Equal(alone.Image, batch.Images.AsSpan(dataset.ImageLength, dataset.ImageLength).ToArray());
        Assert.Equal(alone.Mask, batch.Masks.AsSpan(dataset.MaskLength, dataset.MaskLength).ToArray());
    }

    [Fact]
    public void Another_epoch_shuffles_and_augments_differently()
    {
        var loader = new SegmentationLoader(data.Dataset(AugmentationPreset.Table3), new LoaderOptions(BatchSize: 2, Seed: 7, Workers: 1));
        Assert.NotEqual(loader.Order(0), loader.Order(1));
        Assert.Equal(Enumerable.Range(0, LoaderFixture.Samples), loader.Order(1).Order());

        var dataset = data.Dataset(AugmentationPreset.Table3);
        Assert.NotEqual(dataset.Load(3, seed: 7, epoch: 0).Image, dataset.Load(3, seed: 7, epoch: 1).Image);
        Assert.Equal(dataset.Load(3, seed: 7, epoch: 1).Image, dataset.Load(3, seed: 7, epoch: 1).Image);
    }

    [Fact]
    public void Drop_last_decides_whether_the_final_partial_batch_is_kept()
    {
        var dataset = data.Dataset(AugmentationPreset.None);
        var train = new SegmentationLoader(dataset, LoaderOptions.Training(batchSize: 4, seed: 1) with { Workers = 2 });
        var eval = new SegmentationLoader(dataset, LoaderOptions.Evaluation(batchSize: 4) with { Workers = 2 });
        Assert.Equal(2, train.BatchesPerEpoch);
        Assert.Equal(3, eval.BatchesPerEpoch);
        Assert.Equal([4, 4], Collect(train, 0).Select(b => b.Count));
        var evalBatches = Collect(eval, 0);
        Assert.Equal([4, 4, 2], evalBatches.Select(b => b.Count));
        // Evaluation keeps file order.
        Assert.Equal(Enumerable.Range(0, LoaderFixture.Samples), evalBatches.SelectMany(b => b.SampleIndices));
    }

    [Fact]
    public void The_loader_never_holds_more_than_prefetch_batches()
    {
        var loader = new SegmentationLoader(data.Dataset(AugmentationPreset.Table3),
            new LoaderOptions(BatchSize: 1, Seed: 3, Workers: 2, Prefetch: 2));
        int seen = 0;
        foreach (var _ in loader.Epoch(0))
        {
            Thread.Sleep(15); // a slow consumer: the workers run ahead as far as they are allowed
            seen++;
        }
        Assert.Equal(LoaderFixture.Samples, seen);
        Assert.Equal(2, loader.PeakPendingBatches);
    }

    [Fact]
    public void Breaking_out_of_an_epoch_stops_the_workers()
    {
        var timings = new StageTimings();
        var loader = new SegmentationLoader(data.Dataset(AugmentationPreset.Table3),
            new LoaderOptions(BatchSize: 1, Seed: 3, Workers: 2, Prefetch: 3), timings);
        foreach (var _ in loader.Epoch(0)) break;

        // The enumerator's Dispose waited for the workers: nothing loads any more.
        var decodedAfterBreak = timings[LoadStage.DecodeImage];
        Thread.Sleep(100);
        Assert.Equal(decodedAfterBreak, timings[LoadStage.DecodeImage]);

        // The loader can run another epoch after an early exit.
        Assert.Equal(LoaderFixture.Samples, loader.Epoch(1).Count());
    }

    [Fact]
    public void Cancellation_stops_an_epoch()
    {
        var loader = new SegmentationLoader(data.Dataset(AugmentationPreset.None), new LoaderOptions(BatchSize: 1, Workers: 2));
        using var cancel = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in loader.Epoch(0, cancel.Token))
                if (++seen == 2) cancel.Cancel();
        });
        Assert.Equal(2, seen);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_corrupt_png_surfaces_as_a_data_format_exception_naming_the_file(int workers)
    {
        using var folder = new TempFolder("corrupt");
        for (int i = 0; i < 6; i++)
        {
            var (image, mask) = FalconFixture.Sample(48, 27, i, 10000, 7100);
            FalconFixture.WritePair(FalconFixture.TrainFolder(folder.Path), $"cc{i:D7}", image, mask);
        }
        var split = FalconDataset.Open(folder.Path)["train"];
        string broken = split.Pairs[4].ImagePath;
        File.WriteAllBytes(broken, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]);
        var dataset = new SegmentationDataset(split, ClassScheme.SevenClass, AugmentationPipeline.Evaluation(16, 28));
        var loader = new SegmentationLoader(dataset, LoaderOptions.Evaluation(batchSize: 2) with { Workers = workers });

        var error = Assert.Throws<DataFormatException>(() => loader.Epoch(0).ToList());
        Assert.Equal(broken, error.Path);
        Assert.Contains(broken, error.Message);
    }

    [Fact]
    public void Sixteen_bit_masks_are_remapped_and_ignored_classes_stay_255_after_augmentation()
    {
        var dataset = data.Dataset(AugmentationPreset.Table3, ClassScheme.SevenClass);
        byte sky = (byte)ClassScheme.SevenClass.IndexOf("Sky"), landscape = (byte)ClassScheme.SevenClass.IndexOf("Landscape");
        var seen = new HashSet<byte>();
        foreach (var batch in new SegmentationLoader(dataset, new LoaderOptions(BatchSize: 5, Workers: 2)).Epoch(0))
            seen.UnionWith(batch.Masks);
        // Sky, Landscape and Ground Clutter (ignored in 7-class) and nothing else: no interpolated in-between values.
        Assert.Equal(new HashSet<byte> { sky, landscape, ClassScheme.Ignore }, seen);

        var tenClass = data.Dataset(AugmentationPreset.Table3, ClassScheme.TenClass);
        var tenSeen = tenClass.Load(0, seed: 1, epoch: 0).Mask.ToHashSet();
        Assert.Subset(new HashSet<byte> { 4, 8, 9 }, tenSeen);
        Assert.Contains((byte)4, tenSeen); // Ground Clutter is class 4 of ten
    }

    [Fact]
    public void Tensors_have_the_training_shapes_and_types_and_do_not_alias_the_batch()
    {
        var dataset = data.Dataset(AugmentationPreset.None);
        var batch = new SegmentationLoader(dataset, LoaderOptions.Evaluation(batchSize: 4) with { Workers = 0 }).Epoch(0).First();
        using var scope = NewDisposeScope();
        var tensors = batch.ToTensors();
        Assert.Equal([4L, 3, LoaderFixture.Height, LoaderFixture.Width], tensors.Images.shape);
        Assert.Equal([4L, LoaderFixture.Height, LoaderFixture.Width], tensors.Masks.shape);
        Assert.Equal(ScalarType.Float32, tensors.Images.dtype);
        Assert.Equal(ScalarType.Int64, tensors.Masks.dtype);
        Assert.Equal(batch.Images[5], tensors.Images.view(-1)[5].item<float>());
        Assert.Equal(batch.Masks[7], tensors.Masks.view(-1)[7].item<long>());

        // The tensors own their memory: changing the batch afterwards does not reach them.
        float before = tensors.Images.view(-1)[0].item<float>();
        batch.Images[0] += 1;
        Assert.Equal(before, tensors.Images.view(-1)[0].item<float>());
        batch.Images[0] -= 1;
    }

    [Fact]
    public void Tensors_made_in_a_dispose_scope_are_all_released_with_it()
    {
        var batch = new SegmentationLoader(data.Dataset(AugmentationPreset.None), LoaderOptions.Evaluation(2) with { Workers = 0 })
            .Epoch(0).First();
        BatchTensors tensors;
        using (var scope = NewDisposeScope())
        {
            tensors = batch.ToTensors();
            // Only the two results are left in the scope: the uint8 intermediate was disposed inside ToTensors.
            Assert.Equal(2, scope.DisposablesCount);
        }
        Assert.True(tensors.Images.IsInvalid);
        Assert.True(tensors.Masks.IsInvalid);
    }
}
