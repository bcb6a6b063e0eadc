using DesertSeg.Lab.Data;
using DesertSeg.Lab.Data.Audit;
using DesertSeg.Lab.Inference;
using DesertSeg.Lab.Tests.Data;
using static TorchSharp.torch;

namespace DesertSeg.Lab.Tests.Inference;

public class SuppressionAndPredictorTests
{
    [Fact]
    public void SuppressedClassesAreNeverPredictedAndOtherWinnersStay()
    {
        var scheme = ClassScheme.TenClass;
        var suppression = AbsentClassSuppression.Named("Ground Clutter", "Flowers", "Logs");
        manual_seed(11);
        using var logits = randn(2, 10, 17, 23) * 3;
        using var before = logits.argmax(1);
        using var masked = suppression.Apply(logits, scheme);
        using var after = masked.argmax(1);

        var b = before.data<long>().ToArray();
        var a = after.data<long>().ToArray();
        long[] suppressed = [4, 5, 6];
        Assert.DoesNotContain(a, v => suppressed.Contains(v));
        int changed = 0;
        for (int i = 0; i < b.Length; i++)
        {
            if (!suppressed.Contains(b[i])) Assert.Equal(b[i], a[i]);
            else changed++;
        }
        Assert.True(changed > 0, "the random logits should make a suppressed class win somewhere");
        Assert.True(logits.isfinite().all().item<bool>(), "the input logits must be left unchanged");
    }

    [Fact]
    public void SchemeDecidesWhatThereIsToSuppress()
    {
        var original = AbsentClassSuppression.Original;
        Assert.Equal([4, 5, 6], original.IndicesIn(ClassScheme.TenClass));
        Assert.Empty(original.IndicesIn(ClassScheme.SevenClass)); // the 7-class model needs none
        Assert.Contains("Unknown class 'Cactus'",
            Assert.Throws<ArgumentException>(() => AbsentClassSuppression.Parse("Rocks,Cactus")).Message);
        var all = AbsentClassSuppression.Named(ClassScheme.SevenClass.ClassNames.ToArray());
        Assert.Throws<ArgumentException>(() => all.IndicesIn(ClassScheme.SevenClass));
    }

    [Fact]
    public void AbsentSetComesFromAnAuditOfTheTargetSplit()
    {
        using var dir = new TempFolder();
        FalconFixture.WriteSmall(dir.Path);
        var suppression = AbsentClassSuppression.FromSplit(FalconDataset.Open(dir.Path)["test"]);
        Assert.Contains("Ground Clutter", suppression.ClassNames);
        Assert.Contains("Flowers", suppression.ClassNames);
        Assert.Contains("Logs", suppression.ClassNames);
        Assert.DoesNotContain("Rocks", suppression.ClassNames);
        Assert.Contains("test", suppression.Origin);
    }

    [Fact]
    public void NativePredictionHasTheImageSizeAndOnlyTheSchemesRawValues()
    {
        using var predictor = TinyModel.Predictor(classes: 10, seed: 2);
        var (image, _) = FalconFixture.Sample(50, 27, 1, 100);
        var options = new PredictionOptions(Suppression: AbsentClassSuppression.Original);

        var raw = predictor.PredictRaw(image, options);

        Assert.Equal((50, 27), (raw.Width, raw.Height));
        var allowed = ClassScheme.TenClass.Classes.Select(c => c.RawValue).Except([(ushort)550, (ushort)600, (ushort)700]).ToHashSet();
        Assert.All(raw.Values.Distinct(), v => Assert.Contains(v, allowed));
        // Native = the input-size logits upsampled before argmax.
        using var logits = predictor.LogitsAt(image, 27, 50);
        Assert.Equal([1L, 10, 27, 50], logits.shape);
    }

    [Fact]
    public void CheckpointOutsideARunIsReadFromItsKeys()
    {
        using var dir = new TempFolder();
        string file = dir.Combine("model.safetensors");
        using (var model = TinyModel.Create(10, 1)) Lab.Checkpoints.ModelCheckpoints.ExportSafetensors(model, file);

        var source = ModelSource.Resolve(file);

        Assert.Equal("resnet18", source.Model.Encoder);
        Assert.Equal(10, source.Model.Classes);
        Assert.Same(ClassScheme.TenClass, source.Scheme);
        Assert.Equal((512, 896), (source.Height, source.Width));
        Assert.Equal((64, 128), (ModelSource.Resolve(file, (64, 128)).Height, ModelSource.Resolve(file, (64, 128)).Width));
        Assert.Throws<ArgumentException>(() => ModelSource.Resolve(file, (60, 128)));
    }

    [Fact]
    public void RunFolderGivesConfigAndInputSize()
    {
        using var dir = new TempFolder();
        string run = TinyModel.WriteRun(dir.Combine("run"), "3", seed: 5);

        using var predictor = Predictor.Load(run);

        Assert.Equal((TinyModel.Height, TinyModel.Width), (predictor.Height, predictor.Width));
        Assert.Same(ClassScheme.TenClass, predictor.Scheme);
        Assert.Contains("config.json", predictor.Source.Origin);
    }
}
