"""`kerasnb.ops.image` (`keras.ops.image`): image ops, exactly the names Keras 3 has here."""

from kerasnb.engine.ops.image import (  # noqa: F401
    affine_transform, crop_images, elastic_transform, extract_patches, extract_patches_3d,
    gaussian_blur, hsv_to_rgb, map_coordinates, pad_images, perspective_transform, resize,
    rgb_to_grayscale, rgb_to_hsv, scale_and_translate, sobel_edges, ssim)

__all__ = [
    'affine_transform', 'crop_images', 'elastic_transform', 'extract_patches',
    'extract_patches_3d', 'gaussian_blur', 'hsv_to_rgb', 'map_coordinates', 'pad_images',
    'perspective_transform', 'resize', 'rgb_to_grayscale', 'rgb_to_hsv', 'scale_and_translate',
    'sobel_edges', 'ssim']
