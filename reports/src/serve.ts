export async function serveCommand(_argv: string[]): Promise<number> {
  return 2;
}
