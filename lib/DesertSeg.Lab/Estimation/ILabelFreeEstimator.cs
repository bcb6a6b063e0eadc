namespace DesertSeg.Lab.Estimation;

/// <summary>An estimator fitted on labelled source validation (<see cref="CalibrationSet"/>): IoU on images without labels.</summary>
public interface ILabelFreeEstimator
{
    /// <summary>Its name in tables and on the command line.</summary>
    string Name { get; }

    IoUEstimate Estimate(PixelSample target);
}
