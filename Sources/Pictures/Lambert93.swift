import Foundation

/// Lambert-93 (EPSG:2154), the official projection of mainland France and Corsica: Lambert conformal conic on
/// the IAG GRS80 ellipsoid, standard parallels 44° and 49°, origin 46.5° N 3° E, false easting 700,000 m and
/// false northing 6,600,000 m. Used to place commune points on the white-zone map exactly as IGN maps do
/// (the département map's geometry is projected the same way by scripts/build-map-geometry.py).
public enum Lambert93 {
    static let semiMajorAxis = 6_378_137.0
    /// First eccentricity of GRS80 (flattening 1/298.257222101).
    static let eccentricity = 0.081_819_191_042_815_79
    static let centralMeridian = 3.0 * Double.pi / 180
    static let falseEasting = 700_000.0
    static let falseNorthing = 6_600_000.0

    private static func m(_ phi: Double) -> Double { cos(phi) / (1 - pow(eccentricity * sin(phi), 2)).squareRoot() }
    private static func t(_ phi: Double) -> Double {
        let s = eccentricity * sin(phi)
        return tan(Double.pi / 4 - phi / 2) / pow((1 - s) / (1 + s), eccentricity / 2)
    }

    private static let phi1 = 44.0 * Double.pi / 180, phi2 = 49.0 * Double.pi / 180, phi0 = 46.5 * Double.pi / 180
    /// Cone constant n and the radius factor a·F, fixed by the two standard parallels.
    static let n = (log(m(phi1)) - log(m(phi2))) / (log(t(phi1)) - log(t(phi2)))
    static let aF = semiMajorAxis * m(phi1) / (n * pow(t(phi1), n))
    static let rho0 = aF * pow(t(phi0), n)

    /// Easting and northing in metres of a point given in degrees (WGS84/RGF93 latitude and longitude).
    public static func project(latitude: Double, longitude: Double) -> (x: Double, y: Double) {
        let rho = aF * pow(t(latitude * Double.pi / 180), n)
        let theta = n * (longitude * Double.pi / 180 - centralMeridian)
        return (falseEasting + rho * sin(theta), falseNorthing + rho0 - rho * cos(theta))
    }
}
