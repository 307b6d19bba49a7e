/// Pictures: SVG maps and charts (in progress).
public enum Pictures {}
