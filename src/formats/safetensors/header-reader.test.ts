import { describe, expect, it } from 'vitest';
import { hashName } from '../../base/duplicates';
import { readHeaderMembers } from './header-reader';

const encoder = new TextEncoder();

/** Members as the reader hands them over, reading `chunkBytes` at a time after a first read of as many. */
async function membersOf(text: string, chunkBytes: number): Promise<[string, unknown][] | false> {
  const bytes = encoder.encode(text);
  const members: [string, unknown][] = [];
  const understood = await readHeaderMembers(
    {
      first: bytes.subarray(0, chunkBytes),
      length: bytes.length,
      read: async (offset, length) => bytes.slice(offset, offset + length),
      chunkBytes,
    },
    // A tensor entry's fields are the reader's one object, filled again for the next member.
    (name, value, nameHash) => {
      expect(nameHash).toBe(hashName(name));
      members.push([name, structuredClone(value)]);
    },
  );
  return understood && members;
}

const entry = (begin: number) => `{"dtype":"F32","shape":[2,3],"data_offsets":[${begin},${begin + 24}]}`;

describe('readHeaderMembers', () => {
  const understood = [
    `{}`,
    ` \n{ } \n `,
    `{"a":${entry(0)}}`,
    `{"__metadata__":{"format":"pt","crc_num":"12"},"model.layers.0.self_attn.q_proj.weight":${entry(0)},"b":${entry(24)}}  `,
    `{\n  "a" : {"dtype" : "BF16", "shape" : [ ], "data_offsets" : [ 0 , 0 ] } ,\n  "b":{"data_offsets":[0,2],"shape":[1],"dtype":"F16","extra":[true,false,null,-15,0,{"x":[[]]}]}\n}`,
    `{"__proto__":${entry(0)},"constructor":${entry(24)},"a1":${entry(48)}}`,
    `{"big":{"dtype":"F32","shape":[123456789012345],"data_offsets":[0,900719925474099]}}`,
    `{"long":{"dtype":"F32","shape":[1234567890123456789],"data_offsets":[0,9007199254740993]}}`,
    // Entries read without objects (any key order, a dtype like the last one but not it), beside
    // ones that are not quite entries: a key missing or repeated, a look-alike key, an item that
    // is not a number, an object for a dtype. None may take a field from the entry before it.
    `{"a":{"shape":[1],"dtype":"F32","data_offsets":[0,4]},"b":{"dtype":"F3","shape":[],"data_offsets":[4,4]},"c":{"dtype":"F32X","shape":[2],"data_offsets":[4,12]},"d":{"dtype":"F32","data_offsets":[12,16],"shape":[1]}}`,
    `{"b":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"c":{"dtype":"F16","data_offsets":[4,8]},"e":{"dtype":"F16","shape":[2]}}`,
    `{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"F32","shape":[1],"shape":[2],"data_offsets":[0,2]}}`,
    `{"a":{"dtype":"F32","shape":["x"],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,[4]]}}`,
    `{"a":{"dtypes":"F32","shape":[1],"data_offsets":[0,4]},"b":{"d":1,"s":2},"c":{"data_offset":[0,4],"shape":[1],"dtype":"F32"}}`,
    `{"a":{"dtype":{"x":1},"shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[-1, 0],"data_offsets":[0,4],"x":0}}`,
    `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"dtype":"F32","shape":"[1]","data_offsets":"[0,4]"}}`,
    // Strings longer than 12 characters are cut from the buffer's text: names, metadata values
    // and a dtype, of 12, 13 and more characters, short and long side by side.
    `{"__metadata__":{"format":"pytorch-lightning-v2","abcdefghijklm":"x"},"abcdefghijkl":${entry(0)},"abcdefghijklm":${entry(24)},"model.encoder.layer.11.attention.output.dense.weight":${entry(48)},"x":${entry(72)},"model.encoder.layer.11.attention.output.dense.bias":{"dtype":"F32_SOME_LONG_NAME","shape":[6],"data_offsets":[96,120]}}`,
  ];
  it.each(understood)('reads %j as JSON.parse does, whatever the chunk size', async (text) => {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const chunkBytes of [1, 2, 3, 7, 64, 1 << 20]) {
      const members = await membersOf(text, chunkBytes);
      expect(members).not.toBe(false);
      expect(Object.fromEntries(members as [string, unknown][])).toEqual(parsed);
      expect((members as [string, unknown][]).map(([name]) => name)).toEqual(Object.keys(parsed));
    }
  });

  const leftToJsonParse = [
    // What JSON.parse reads differently or better: escapes, UTF-8, array-index names (it lists
    // them first), a repeated __metadata__.
    `{"a\\"b":${entry(0)}}`,
    `{"é":${entry(0)}}`,
    // UTF-8 after long ASCII names in the same read: the names before it are not what is used.
    `{"model.layers.0.self_attn.q_proj.weight":${entry(0)},"model.layers.0.self_attn.é":${entry(24)}}`,
    `{"b":${entry(0)},"10":${entry(24)}}`,
    `{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}`,
    `{"__metadata__":{},"__metadata__":{}}`,
    // A fraction or an exponent: the whole-text path finds where it is (2.0 parses as 2).
    `{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}`,
    `{"b":{"data_offsets":[0,2],"shape":[1],"dtype":"F16","extra":[-1.5e3,0.25]}}`,
    // Not JSON: JSON.parse words the error.
    `{"a":${entry(0)},}`,
    `{"a":${entry(0)}`,
    `{"a":${entry(0)}} x`,
    `{"a":${entry(0)},,"b":${entry(0)}}`,
    `{"a" ${entry(0)}}`,
    `["a"]`,
    ``,
    `{"a":tru}`,
    `{"a":"\u0001"}`,
    `{"a":${'['.repeat(40)}${']'.repeat(40)}}`,
  ];
  it.each(leftToJsonParse)('leaves %j to JSON.parse', async (text) => {
    for (const chunkBytes of [1, 5, 1 << 20]) expect(await membersOf(text, chunkBytes)).toBe(false);
  });

  it('reports a syntax error after a member it could not take before that member’s error', async () => {
    const bytes = encoder.encode(`{"a":1,"b":2,}`);
    const source = { first: bytes, length: bytes.length, read: async () => new Uint8Array(0), chunkBytes: 4 };
    const refuse = () => {
      throw new Error('entry a is bad');
    };
    expect(await readHeaderMembers(source, refuse)).toBe(false);
    const valid = encoder.encode(`{"a":1,"b":2}`);
    await expect(readHeaderMembers({ ...source, first: valid, length: valid.length }, refuse)).rejects.toThrow(
      'entry a is bad',
    );
  });
});
